// GENERATE(prompt, model, options jsonb): the options object, validated into GenerateOptions.
//   {"temperature": 0.2, "max_tokens": 256, "system": "You are terse.", "json_schema": {...}}
// ("system_prompt" is accepted for "system".) A bad key or value raises 22023 naming it.

import { SqlError, SqlState } from "./ai-errors.js";
import type { GenerateOptions } from "./providers/provider.js";

function bad(key: string, message: string): SqlError {
  return new SqlError(SqlState.InvalidParameterValue, `invalid GENERATE option "${key}": ${message}`);
}

/** Validates GENERATE's options (a parsed JSON object, or its text); null/undefined → no options. */
export function parseGenerateOptions(value: unknown): GenerateOptions {
  if (value === null || value === undefined) return {};
  let obj = value;
  if (typeof value === "string") {
    try {
      obj = JSON.parse(value);
    } catch {
      throw new SqlError(SqlState.InvalidParameterValue, "GENERATE options must be a JSON object");
    }
  }
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
    throw new SqlError(SqlState.InvalidParameterValue, "GENERATE options must be a JSON object");
  }
  const out: GenerateOptions = {};
  for (const [key, v] of Object.entries(obj as Record<string, unknown>)) {
    switch (key) {
      case "temperature":
        if (typeof v !== "number" || !(v >= 0 && v <= 2)) throw bad(key, "expected a number between 0 and 2");
        out.temperature = v;
        break;
      case "max_tokens":
        if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 1_000_000) throw bad(key, "expected a positive integer");
        out.maxTokens = v;
        break;
      case "system":
      case "system_prompt":
        if (typeof v !== "string") throw bad(key, "expected a string");
        out.system = v;
        break;
      case "json_schema":
        if (v === null || typeof v !== "object" || Array.isArray(v)) throw bad(key, "expected a JSON Schema object");
        out.jsonSchema = v as Record<string, unknown>;
        break;
      default:
        throw new SqlError(SqlState.InvalidParameterValue, `unrecognized GENERATE option "${key}"`, {
          hint: "GENERATE options are: temperature, max_tokens, system, json_schema",
        });
    }
  }
  return out;
}
