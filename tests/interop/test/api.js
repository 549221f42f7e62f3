// Calls the interop tests make on Glint's API and on its operator CLI.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { publicUrl } from './helpers.js';

const cliDll = process.env.GLINT_CLI_DLL;
const cliDsn = process.env.GLINT_CLI_DSN;

/** Why the operator CLI cannot run, or false: suites that need it fail loudly rather than skip silently in CI. */
export const operatorUnavailable = !cliDll || !cliDsn ? 'GLINT_CLI_DLL and GLINT_CLI_DSN are not set' : false;

/** Runs the operator CLI on the server's database; JSON output is parsed. */
export function glint(...args) {
  const output = execFileSync('dotnet', [cliDll, ...args, '--dsn', cliDsn], { encoding: 'utf8', env: { ...process.env, DOTNET_NOLOGO: '1' } });
  return output.trim() === '' ? undefined : JSON.parse(output);
}

/** POST /graphql with `headers`: { status, body }, whatever the outcome. */
export async function postGraphQL(query, variables, headers = {}) {
  const response = await fetch(`${publicUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.json() };
}

/** A GraphQL call with `Oauth2-Token` (when given) that must succeed without errors; its data. */
export async function graphql(query, variables, token) {
  const { status, body } = await postGraphQL(query, variables, token ? { 'Oauth2-Token': token } : {});
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}
