/**
 * Docker's image reference grammar (distribution/reference, as `docker pull` parses it):
 * `[host[:port]/]path[:tag][@digest]`. An admin's typo that no engine could ever resolve
 * ("Kiln/Python", "kiln/python:") is refused when it is entered, not at the first user's
 * spawn.
 */
const alnum = "[a-z0-9]+";
const separator = "(?:[._]|__|-+)";
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
const domain = `${host}(?::[0-9]+)?`;
const tag = "[\\w][\\w.-]{0,127}";
const digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const GRAMMAR = new RegExp(`^(?:${domain}/)?${pathComponent}(?:/${pathComponent})*(?::${tag})?(?:@${digest})?$`);
/** The name part (before tag and digest) may be at most 255 characters. */
const MAX_NAME = 255;

/** Why a string cannot be a Docker image reference, or null when it can. */
export function referenceProblem(ref: string): string | null {
  if (!GRAMMAR.test(ref)) return "not a Docker image reference ([registry[:port]/]name[:tag][@digest], lower-case name)";
  const name = ref.replace(/@.*$/, "").replace(/:[\w][\w.-]*$/, "");
  if (name.length > MAX_NAME) return `the repository name is over ${MAX_NAME} characters`;
  return null;
}
