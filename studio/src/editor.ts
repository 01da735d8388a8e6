// The SQL editor: CodeMirror 6 with its SQL mode, completion of table and column names, Ctrl-Enter
// to run, and an error mark at the position the server reports.

import { autocompletion, closeBrackets, completeFromList } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { PostgreSQL, sql } from "@codemirror/lang-sql";
import { bracketMatching, syntaxHighlighting, defaultHighlightStyle } from "@codemirror/language";
import { Compartment, EditorState, StateEffect, StateField, type Range } from "@codemirror/state";
import { Decoration, EditorView, keymap, lineNumbers, type DecorationSet } from "@codemirror/view";

const setError = StateEffect.define<{ from: number; to: number } | null>();

const errorMark = Decoration.mark({ class: "cm-sql-error" });
const errorLine = Decoration.line({ class: "cm-sql-error-line" });

// the error decoration lives until the next edit or run
const errorField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    if (tr.docChanged) return Decoration.none;
    for (const e of tr.effects) {
      if (!e.is(setError)) continue;
      if (!e.value) return Decoration.none;
      const line = tr.state.doc.lineAt(e.value.from);
      const ranges: Range<Decoration>[] = [errorLine.range(line.from)];
      if (e.value.to > e.value.from) ranges.push(errorMark.range(e.value.from, e.value.to));
      return Decoration.set(ranges, true);
    }
    return marks;
  },
  provide: (f) => EditorView.decorations.from(f),
});

export class SqlEditor {
  readonly view: EditorView;
  private readonly language = new Compartment();

  constructor(parent: HTMLElement, doc: string, onRun: () => void) {
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc,
        extensions: [
          lineNumbers(),
          history(),
          bracketMatching(),
          closeBrackets(),
          syntaxHighlighting(defaultHighlightStyle),
          keymap.of([{ key: "Mod-Enter", run: () => (onRun(), true) }, ...defaultKeymap, ...historyKeymap]),
          this.language.of(sql({ dialect: PostgreSQL, upperCaseKeywords: true })),
          autocompletion(),
          errorField,
          EditorView.lineWrapping,
        ],
      }),
    });
  }

  get text(): string {
    return this.view.state.doc.toString();
  }

  set text(value: string) {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: value } });
  }

  /** Table -> columns for completion (re-read after DDL). */
  setSchema(schema: Record<string, string[]>): void {
    // lang-sql completes columns after "table."; every column name is also offered on its own
    const columns = completeFromList([...new Set(Object.values(schema).flat())].map((label) => ({ label, type: "property" })));
    const data = [{ autocomplete: columns }];
    this.view.dispatch({
      effects: this.language.reconfigure([
        sql({ dialect: PostgreSQL, upperCaseKeywords: true, schema }),
        // the same source object each time: completion tracks its sources by identity
        EditorState.languageData.of(() => data),
      ]),
    });
  }

  /** Marks the word at a 1-based character position (pgwire's), or clears the mark. */
  markError(position: number | undefined): void {
    if (position === undefined) {
      this.view.dispatch({ effects: setError.of(null) });
      return;
    }
    const doc = this.view.state.doc;
    const from = Math.min(Math.max(position - 1, 0), doc.length);
    const rest = doc.sliceString(from, Math.min(doc.length, from + 200));
    const word = /^("[^"]*"|'[^']*'|\w+|\S)/.exec(rest);
    const to = from + (word ? word[0].length : 0);
    this.view.dispatch({ effects: setError.of({ from, to }), selection: { anchor: from }, scrollIntoView: true });
  }
}
