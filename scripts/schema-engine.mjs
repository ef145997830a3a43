#!/usr/bin/env node
// Offline stand-in for Prisma's native schema engine: the `prisma` CLI talks to
// this program (PRISMA_SCHEMA_ENGINE_BINARY) over the schema-engine JSON-RPC
// protocol, and we serve it with the npm-shipped wasm engine on the pg adapter.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import pg from 'pg';

const WASM_PKG = '@prisma/schema-engine-wasm';
const PKG_DIR = dirname(fileURLToPath(import.meta.resolve(`${WASM_PKG}/schema_engine_bg`)));
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

const argv = process.argv.slice(2);
if (argv.includes('--version')) {
  const { version } = JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8'));
  process.stdout.write(`schema-engine-cli ${version}\n`);
  process.exit(0);
}

function option(name, all = false) {
  const values = [];
  for (let i = 0; i < argv.length; i++) if (argv[i] === name) values.push(argv[i + 1]);
  return all ? values : values[0];
}

/** host/port/user/database as separate fields: a connection string would override the shadow db name. */
function pgConfig(url) {
  const u = new URL(url);
  return {
    host: decodeURIComponent(u.hostname) || u.searchParams.get('host') || 'localhost',
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username) || 'postgres',
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
  };
}

/** The pg adapter rejects PostgreSQL's internal "char" type, used by catalog queries: read it as text. */
class CharAsTextClient extends pg.Client {
  query(config, values, callback) {
    const fix = (res) => {
      for (const field of res?.fields ?? []) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
      return res;
    };
    if (typeof values === 'function') return super.query(config, (err, res) => values(err, fix(res)));
    if (typeof callback === 'function') return super.query(config, values, (err, res) => callback(err, fix(res)));
    const result = super.query(config, values);
    return result && typeof result.then === 'function' ? result.then(fix) : result;
  }
}

function fail(code, message) {
  process.stderr.write(`schema-engine failed\n`);
  process.stderr.write(JSON.stringify({ level: 'ERROR', target: 'schema_engine::logger', fields: { message, error_code: code } }) + '\n');
  process.exit(1);
}

async function cliCommand(url, command) {
  const cfg = pgConfig(url);
  const admin = new pg.Client({ ...cfg, database: 'postgres' });
  try {
    await admin.connect();
  } catch (e) {
    fail('P1001', `Can't reach database server at ${cfg.host}:${cfg.port}: ${e.message}`);
  }
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [cfg.database])).rowCount > 0;
    const ident = '"' + cfg.database.replaceAll('"', '""') + '"';
    if (command === 'can-connect-to-database') {
      if (!exists) fail('P1003', `Database ${cfg.database} does not exist`);
    } else if (command === 'create-database') {
      if (exists) fail('P1009', `Database ${cfg.database} already exists`);
      await admin.query(`CREATE DATABASE ${ident}`);
      process.stdout.write(JSON.stringify({ database_name: cfg.database }) + '\n');
    } else if (command === 'drop-database') {
      await admin.query(`DROP DATABASE IF EXISTS ${ident} WITH (FORCE)`);
    } else {
      fail('P1000', `unknown cli command ${command}`);
    }
  } finally {
    await admin.end();
  }
  process.exit(0);
}

async function loadWasm() {
  const bg = await import(`${WASM_PKG}/schema_engine_bg`);
  const wasmPath = join(PKG_DIR, 'schema_engine_bg.wasm');
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), { './schema_engine_bg.js': bg });
  bg.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return bg;
}

/** Shadow databases are dropped WITH (FORCE): the engine may still hold a session on them. */
function patchShadowDrop(factory) {
  const connect = factory.connectToShadowDb?.bind(factory);
  if (!connect) return factory;
  factory.connectToShadowDb = async () => {
    const adapter = await connect();
    const pool = adapter.client;
    const database = pool?.options?.database;
    pool?.on('error', () => undefined); // sessions ended by the forced drop below
    adapter.dispose = async () => {
      await pool.end();
      const admin = new pg.Client({ ...factory.config, database: 'postgres' });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    };
    return adapter;
  };
  return factory;
}

/**
 * The adapter splits scripts on every ';', which breaks dollar-quoted function
 * bodies; PostgreSQL's simple query protocol runs a multi-statement script whole.
 */
function wholeScripts(adapter) {
  adapter.executeScript = async (script) => {
    try {
      await adapter.client.query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  return adapter;
}

function patchScripts(factory) {
  for (const method of ['connect', 'connectToShadowDb']) {
    const original = factory[method]?.bind(factory);
    if (original) factory[method] = async () => wholeScripts(await original());
  }
  return factory;
}

async function serve(url, datamodelPaths) {
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const { bindMigrationAwareSqlAdapterFactory } = await import('@prisma/driver-adapter-utils');
  const bg = await loadWasm();
  const pgFactory = patchScripts(patchShadowDrop(new PrismaPg({ ...pgConfig(url), Client: CharAsTextClient })));
  const factory = bindMigrationAwareSqlAdapterFactory(pgFactory);
  const datamodels = datamodelPaths.map((p) => [p, readFileSync(p, 'utf8')]);
  const log = (line) => process.stderr.write(String(line) + '\n');
  const engine = await bg.SchemaEngine.new({ datamodels }, log, factory);

  const rl = createInterface({ input: process.stdin });
  rl.on('line', async (line) => {
    if (!line.trim()) return;
    if (process.env.SCHEMA_ENGINE_DEBUG) process.stderr.write(`<- ${line}\n`);
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      return; // not a request: ignore stray input
    }
    if (!msg.method) return; // an answer to one of the engine's own prints
    const reply = (body) => {
      const out = JSON.stringify({ jsonrpc: '2.0', id: msg.id, ...body });
      if (process.env.SCHEMA_ENGINE_DEBUG) process.stderr.write(`-> ${out.slice(0, 2000)}\n`);
      process.stdout.write(out + '\n');
    };
    try {
      const fn = engine[msg.method];
      if (typeof fn !== 'function') throw new Error(`unknown method ${msg.method}`);
      const params = Array.isArray(msg.params) ? msg.params[0] : msg.params;
      const result = await fn.call(engine, params);
      reply({ result: result ?? null });
    } catch (e) {
      const meta = e?.meta ?? null;
      reply({
        error: {
          code: 4466,
          message: 'An error happened. Check the data field for details.',
          data: { is_panic: false, message: e?.message ?? String(e), meta, error_code: e?.code ?? e?.error_code ?? null },
        },
      });
    }
  });
  rl.on('close', () => process.exit(0));
}

const datasource = option('--datasource');
const url = datasource ? JSON.parse(datasource).url : process.env.DATABASE_URL;
const cliIndex = argv.indexOf('cli');
if (cliIndex >= 0) {
  await cliCommand(url, argv[cliIndex + 1]);
} else {
  await serve(url, option('--datamodels', true));
}
