// The public surface of src/cluster: the coordinator and worker roles and what they run on.
export * from "./backbone.js";
