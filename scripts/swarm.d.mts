// Types of swarm.mjs, for the tests that import it.
export declare const SWARM_DIR: string;
export declare const FAKE_GPUS: string[];
export interface SwarmNodeInfo { name: string; host: string; id: string; gpus: string[] }
/** Takes the swarm's lock (waiting for its holder) and keeps it until swarmDown. */
export declare function swarmUp(o?: { images?: string[]; clean?: boolean }): Promise<{ manager: string; nodes: SwarmNodeInfo[] }>;
/** Tears the swarm down (`keep`: leaves the engines up) and gives its lock back. */
export declare function swarmDown(o?: { keep?: boolean }): Promise<void>;
export declare function lockSwarm(): Promise<void>;
export declare function unlockSwarm(): Promise<void>;
export declare function swarmStatus(): { name: string; pid: number | null; answers: boolean; swarm: string[] | null }[];
