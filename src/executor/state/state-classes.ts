// The value and storage classes that operator state holds (SQL values, columns, row stores).
// Operator-private classes (accumulators, slot aggregates) register themselves where defined.

import { Chunk, Column, ColumnBuilder, Decimal, Interval, Jsonb } from "../../types/index.js";
import { TableStore } from "../../storage/index.js";
import { RowStore } from "../row-store.js";
import { IntHashTable } from "../int-hash-table.js";
import { EmittedValues } from "../aggregate/emitted-values.js";
import { JoinSide } from "../operators/join-side.js";
import { HashJoin } from "../operators/hash-join.js";
import { ChunkBuilder } from "../chunk-builder.js";
import { registerStateClasses, registerTransientFields, registerValueClasses } from "./state-codec.js";

registerValueClasses(Decimal, Interval, Jsonb);
registerStateClasses(Chunk, Column, ColumnBuilder, TableStore, RowStore, IntHashTable, EmittedValues, JoinSide, HashJoin, ChunkBuilder);
// a HashJoin inside a NestedLoopJoin is captured whole: its query context (which reaches the
// database) and plan node are rebuilt from the plan, not state
registerTransientFields(HashJoin, ["env", "node"]);
