export interface AdminUser {
  name: string;
  admin: boolean;
  groups: string[];
  created: string;
  last_activity: string | null;
  email?: string | null;
  display_name?: string | null;
}

export type UserAction = "promote" | "demote" | "delete" | "sign-out";
