export interface Token {
  id: string;
  note: string;
  prefix: string;
  created: string;
  expires_at: string | null;
  last_activity: string | null;
  /** ["inherit"]: everything its owner may do. */
  scopes: string[];
}

export type NewToken = Token & { token: string };
