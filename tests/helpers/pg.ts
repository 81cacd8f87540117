import crypto from "node:crypto";
import postgres from "postgres";

/** The PostgreSQL server the tests use (the machine's own, see ENVIRONMENT.md). */
export const PG_ADMIN_URL = process.env.KILN_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export function databaseUrl(name: string): string {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, empty database for one test file or server; drop it with dropDatabase. */
export async function createTempDatabase(label = "t"): Promise<{ name: string; url: string }> {
  const name = `kiln_${label}_${crypto.randomBytes(5).toString("hex")}`;
  const sql = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`create database ${name}`);
  } finally {
    await sql.end();
  }
  return { name, url: databaseUrl(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  const sql = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await sql.end();
  }
}
