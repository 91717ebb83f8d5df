import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { createSchema, printApiSchema } from './schema';

export const SCHEMA_FILE = path.resolve(__dirname, '..', '..', '..', 'shared', 'schema.graphql');

async function main() {
  const schema = await createSchema();
  fs.writeFileSync(SCHEMA_FILE, printApiSchema(schema));
  console.log(`Wrote ${SCHEMA_FILE}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
