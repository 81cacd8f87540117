export * from "./users";
export * from "./groups";
export * from "./tokens";
export * from "./settings";
export * from "./accounts";
export * from "./invites";
export * from "./images";
export * from "./servers";
