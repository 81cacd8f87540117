// Types of swarm.mjs, for the tests that import it.
export declare const SWARM_DIR: string;
export declare const FAKE_GPUS: string[];
export interface SwarmNodeInfo { name: string; host: string; id: string; gpus: string[] }
export declare function swarmUp(o?: { images?: string[]; clean?: boolean }): Promise<{ manager: string; nodes: SwarmNodeInfo[] }>;
export declare function swarmDown(): Promise<void>;
export declare function swarmStatus(): { name: string; pid: number | null; answers: boolean; swarm: string[] | null }[];
