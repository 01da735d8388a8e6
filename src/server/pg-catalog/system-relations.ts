// The pg_catalog and information_schema relations clients read, as column lists and row
// producers over a CatalogModel. OIDs are `integer` columns (the engine has no oid type; values
// stay below 2^31). This is the set the engine should expose as system relations (see the
// report: a `registerSystemRelation` hook); until then the server answers queries over them
// from a scratch database (catalog-snapshot.ts).

import { Types, typeCategory, type DataType } from "../../types/index.js";
import type { EngineSession } from "../engine.js";
import { builtinTypes, VECTOR_OID } from "../type-oids.js";
import { JAVASCRIPT_LANGUAGE_OID, type CatalogModel, type ModelRelation } from "./catalog-model.js";
import { BOOTSTRAP_SUPERUSER, PRIVILEGE_NAME, PUBLIC, defaultAcl, formatAclItem, type AclItem } from "../../catalog/index.js";
import { AM_OIDS, BOOTSTRAP_SUPERUSER_OID, DATABASE_OID, NAMESPACE_OIDS, TEXT_COLLATION_OID } from "./oid-registry.js";

export interface SystemColumn {
  name: string;
  type: DataType;
}

export interface RoleAttributes {
  superuser: boolean;
  login: boolean;
  createdb: boolean;
  createrole: boolean;
  /** the stored SCRAM / MD5 secret (pg_authid.rolpassword) */
  passwordSecret: string | null;
  /** CONNECTION LIMIT (-1: none) */
  connectionLimit?: number;
  /** ALTER ROLE ... SET values, as `name=value` (rolconfig, pg_db_role_setting.setconfig) */
  config?: string[];
}

export interface CatalogContext {
  model: CatalogModel;
  session: EngineSession;
  /** role names (the bootstrap superuser first) */
  roles: string[];
  /** a role's attributes (the session's user and configured users are superusers that log in) */
  roleAttributes(name: string): RoleAttributes;
  database: string;
  roleOid(name: string): number;
  /** pg_database: the cluster's databases (all of them, as in Postgres; only the session's own objects are shown elsewhere) */
  databases?: { oid: number; name: string; owner: string; connectionLimit: number; acl: string[] | null }[];
}

export interface SystemRelation {
  schema: "pg_catalog" | "information_schema";
  name: string;
  columns: SystemColumn[];
  rows(ctx: CatalogContext): unknown[][];
}

const I = Types.integer;
const S = Types.smallint;
const T = Types.text;
const B = Types.boolean;
const F = Types.real;
const TA = Types.array(Types.text);

function cols(spec: string): SystemColumn[] {
  const map: Record<string, DataType> = { i: I, s: S, t: T, b: B, f: F, ta: TA, sa: Types.array(Types.smallint), ia: Types.array(Types.integer), l: Types.bigint };
  return spec
    .trim()
    .split(/\s+/)
    .map((p) => {
      const [name, code] = p.split(":");
      return { name, type: map[code] };
    });
}

const isString = (id: string) => id === "text" || id === "varchar" || id === "char";

/** relacl / attacl: aclitems as text (null: the default, as Postgres shows it) */
function aclText(acl: AclItem[] | undefined): string[] | null {
  return acl ? acl.map((i) => formatAclItem(i, "relation")) : null;
}

function relationOwnerOid(ctx: CatalogContext, r: ModelRelation): number {
  // (the emulation reports the session's user as the bootstrap superuser, OID 10)
  const owner = r.entry?.owner ?? BOOTSTRAP_SUPERUSER;
  return ctx.roles.includes(owner) ? ctx.roleOid(owner) : BOOTSTRAP_SUPERUSER_OID;
}

export const SYSTEM_RELATIONS: SystemRelation[] = [
  {
    schema: "pg_catalog",
    name: "pg_namespace",
    columns: cols("oid:i nspname:t nspowner:i nspacl:ta"),
    rows: (ctx) => ctx.model.namespaces.map((n) => [n.oid, n.name, BOOTSTRAP_SUPERUSER_OID, null]),
  },
  {
    schema: "pg_catalog",
    name: "pg_class",
    columns: cols(`oid:i relname:t relnamespace:i reltype:i reloftype:i relowner:i relam:i relfilenode:i reltablespace:i
      relpages:i reltuples:f relallvisible:i reltoastrelid:i relhasindex:b relisshared:b relpersistence:t relkind:t
      relnatts:s relchecks:s relhasrules:b relhastriggers:b relhassubclass:b relrowsecurity:b relforcerowsecurity:b
      relispopulated:b relreplident:t relispartition:b relrewrite:i relacl:ta reloptions:ta relpartbound:t`),
    rows: (ctx) =>
      ctx.model.relations.map((r) => [
        r.oid, r.name, r.namespaceOid, 0, 0, relationOwnerOid(ctx, r), r.amOid,
        r.oid, 0, 0, -1, 0, 0, r.indexes.length > 0, false, "p", r.relkind,
        r.columns.length, 0, r.relkind === "v", false, false, false, false,
        true, "d", false, 0, aclText(r.entry?.acl), r.options ? Object.entries(r.options).map(([k, v]) => `${k}=${v}`) : null, null,
      ]),
  },
  {
    schema: "pg_catalog",
    name: "pg_attribute",
    columns: cols(`attrelid:i attname:t atttypid:i attstattarget:i attlen:s attnum:s attndims:i attcacheoff:i atttypmod:i
      attbyval:b attalign:t attstorage:t attcompression:t attnotnull:b atthasdef:b atthasmissing:b attidentity:t
      attgenerated:t attisdropped:b attislocal:b attinhcount:i attcollation:i attacl:ta attoptions:ta attfdwoptions:ta`),
    rows: (ctx) =>
      ctx.model.relations.flatMap((r) =>
        r.columns.map((c) => [
          r.oid, c.name, c.typeOid, -1, c.typlen, c.num, c.type.id === "array" ? 1 : 0, -1, c.typmod,
          c.typlen > 0, c.typlen === 8 ? "d" : c.typlen === 2 ? "s" : c.typlen === 1 ? "c" : "i", c.typlen > 0 ? "p" : "x", "", c.notNull, c.defaultText !== undefined, false, "",
          "", false, true, 0, isString(c.type.id) ? TEXT_COLLATION_OID : 0, aclText(r.entry?.columnAcl?.[c.name]), null, null,
        ]),
      ),
  },
  {
    schema: "pg_catalog",
    name: "pg_type",
    columns: cols(`oid:i typname:t typnamespace:i typowner:i typlen:s typbyval:b typtype:t typcategory:t typispreferred:b
      typisdefined:b typdelim:t typrelid:i typsubscript:t typelem:i typarray:i typinput:t typoutput:t typreceive:t typsend:t
      typmodin:t typmodout:t typanalyze:t typalign:t typstorage:t typnotnull:b typbasetype:i typtypmod:i typndims:i
      typcollation:i typdefaultbin:t typdefault:t typacl:ta`),
    rows: () =>
      builtinTypes().map((t) => {
        const ns = t.oid === VECTOR_OID || t.elementOid === VECTOR_OID ? NAMESPACE_OIDS.public : NAMESPACE_OIDS.pg_catalog;
        const base = t.elementOid ? "array" : t.name;
        return [
          t.oid, t.name, ns, BOOTSTRAP_SUPERUSER_OID, t.size, t.size > 0 && t.size <= 8, "b", typeCategory(t.type), false,
          true, ",", 0, t.elementOid ? "array_subscript_handler" : "-", t.elementOid, t.arrayOid, `${base}_in`, `${base}_out`, `${base}_recv`, `${base}_send`,
          "-", "-", "-", t.size === 8 ? "d" : t.size === 2 ? "s" : t.size === 1 ? "c" : "i", t.size > 0 ? "p" : "x", false, 0, -1, 0,
          isString(t.type.id) ? TEXT_COLLATION_OID : 0, null, null, null,
        ];
      }),
  },
  {
    schema: "pg_catalog",
    name: "pg_index",
    columns: cols(`indexrelid:i indrelid:i indnatts:s indnkeyatts:s indisunique:b indisprimary:b indisexclusion:b indimmediate:b
      indisclustered:b indisvalid:b indcheckxmin:b indisready:b indislive:b indisreplident:b indnullsnotdistinct:b indkey:sa indcollation:ia
      indclass:ia indoption:sa indexprs:t indpred:t`),
    rows: (ctx) =>
      ctx.model.relations.flatMap((r) =>
        r.indexes.map((ix) => [
          ix.oid, r.oid, ix.keys.length, ix.keys.length, ix.unique, ix.primary, false, true,
          false, true, false, true, true, false, false, ix.keys, ix.keys.map(() => 0), ix.keys.map(() => 0), ix.keys.map(() => 0), null, null,
        ]),
      ),
  },
  {
    schema: "pg_catalog",
    name: "pg_database",
    columns: cols("oid:i datname:t datdba:i encoding:i datlocprovider:t datistemplate:b datallowconn:b datconnlimit:i datcollate:t datctype:t daticulocale:t datacl:ta"),
    rows: (ctx) =>
      (ctx.databases ?? [{ oid: DATABASE_OID, name: ctx.database, owner: "", connectionLimit: -1, acl: null }]).map((d) => [
        d.oid, d.name, ctx.roles.includes(d.owner) ? ctx.roleOid(d.owner) : BOOTSTRAP_SUPERUSER_OID, 6, "c", false, true, d.connectionLimit, "C", "C", null, d.acl,
      ]),
  },
  {
    schema: "pg_catalog",
    name: "pg_roles",
    columns: cols("oid:i rolname:t rolsuper:b rolinherit:b rolcreaterole:b rolcreatedb:b rolcanlogin:b rolreplication:b rolconnlimit:i rolpassword:t rolvaliduntil:t rolbypassrls:b rolconfig:ta"),
    rows: (ctx) =>
      ctx.roles.map((name) => {
        const r = ctx.roleAttributes(name);
        return [ctx.roleOid(name), name, r.superuser, true, r.createrole, r.createdb, r.login, false, r.connectionLimit ?? -1, "********", null, r.superuser, r.config ?? null];
      }),
  },
  {
    schema: "pg_catalog",
    name: "pg_db_role_setting",
    // per-role settings (ALTER ROLE ... SET); setdatabase 0: every database (IN DATABASE is not offered)
    columns: cols("setdatabase:i setrole:i setconfig:ta"),
    rows: (ctx) =>
      ctx.roles.flatMap((name) => {
        const config = ctx.roleAttributes(name).config;
        return config ? [[0, ctx.roleOid(name), config]] : [];
      }),
  },
  {
    schema: "pg_catalog",
    name: "pg_authid",
    columns: cols("oid:i rolname:t rolsuper:b rolinherit:b rolcreaterole:b rolcreatedb:b rolcanlogin:b rolreplication:b rolbypassrls:b rolconnlimit:i rolpassword:t rolvaliduntil:t"),
    rows: (ctx) =>
      ctx.roles.map((name) => {
        const r = ctx.roleAttributes(name);
        // (Postgres lets only superusers read pg_authid; here others see it with the verifier masked)
        const secret = r.passwordSecret === null ? null : ctx.roleAttributes(ctx.session.user).superuser ? r.passwordSecret : "********";
        return [ctx.roleOid(name), name, r.superuser, true, r.createrole, r.createdb, r.login, false, r.superuser, r.connectionLimit ?? -1, secret, null];
      }),
  },
  {
    schema: "pg_catalog",
    name: "pg_user",
    columns: cols("usename:t usesysid:i usecreatedb:b usesuper:b userepl:b usebypassrls:b passwd:t valuntil:t useconfig:ta"),
    // pg_user lists the roles that can log in
    rows: (ctx) =>
      ctx.roles
        .filter((name) => ctx.roleAttributes(name).login)
        .map((name) => {
          const r = ctx.roleAttributes(name);
          return [name, ctx.roleOid(name), r.createdb, r.superuser, false, r.superuser, "********", null, null];
        }),
  },
  {
    schema: "pg_catalog",
    name: "pg_am",
    columns: cols("oid:i amname:t amhandler:t amtype:t"),
    rows: () => [
      [AM_OIDS.heap, "heap", "heap_tableam_handler", "t"],
      [AM_OIDS.btree, "btree", "bthandler", "i"],
      [AM_OIDS.hash, "hash", "hashhandler", "i"],
      [AM_OIDS.hnsw, "hnsw", "hnswhandler", "i"],
    ],
  },
  {
    schema: "pg_catalog",
    name: "pg_description",
    columns: cols("objoid:i classoid:i objsubid:i description:t"),
    rows: () => [],
  },
  {
    schema: "pg_catalog",
    name: "pg_proc",
    columns: cols("oid:i proname:t pronamespace:i proowner:i prolang:i prokind:t prorettype:i pronargs:s proargtypes:ia prosrc:t proretset:b"),
    rows: (ctx) => ctx.model.functions.map((f) => [f.oid, f.name, f.namespaceOid, BOOTSTRAP_SUPERUSER_OID, f.langOid, "f", f.retTypeOid, f.argTypeOids.length, f.argTypeOids, f.source, f.returnsSet]),
  },
  {
    // what pg_get_function_result / pg_get_function_arguments return (see query-rewrite.ts)
    schema: "pg_catalog",
    name: "sage_function_def",
    columns: cols("oid:i result:t arguments:t identity_arguments:t"),
    rows: (ctx) => ctx.model.functions.map((f) => [f.oid, f.result, f.arguments, f.identityArguments]),
  },
  {
    schema: "pg_catalog",
    name: "pg_extension",
    columns: cols("oid:i extname:t extowner:i extnamespace:i extrelocatable:b extversion:t"),
    rows: () => [[16_300, "plpgsql", BOOTSTRAP_SUPERUSER_OID, NAMESPACE_OIDS.pg_catalog, false, "1.0"], [16_301, "vector", BOOTSTRAP_SUPERUSER_OID, NAMESPACE_OIDS.public, true, "0.8.0"]],
  },
  {
    schema: "pg_catalog",
    name: "pg_settings",
    columns: cols("name:t setting:t unit:t category:t short_desc:t extra_desc:t context:t vartype:t source:t"),
    rows: (ctx) => ctx.session.settings.all().map((s) => [s.name, s.setting, null, "", s.description, null, "user", "string", "default"]),
  },
  {
    schema: "pg_catalog",
    name: "pg_tables",
    columns: cols("schemaname:t tablename:t tableowner:t tablespace:t hasindexes:b hasrules:b hastriggers:b rowsecurity:b"),
    rows: (ctx) => ctx.model.relations.filter((r) => r.relkind === "r").map((r) => [r.schema, r.name, ctx.model.owner, null, r.indexes.length > 0, false, false, false]),
  },
  {
    schema: "pg_catalog",
    name: "pg_views",
    columns: cols("schemaname:t viewname:t viewowner:t definition:t"),
    rows: (ctx) => ctx.model.relations.filter((r) => r.relkind === "v").map((r) => [r.schema, r.name, ctx.model.owner, r.definition ?? null]),
  },
  {
    schema: "pg_catalog",
    name: "pg_matviews",
    columns: cols("schemaname:t matviewname:t matviewowner:t tablespace:t hasindexes:b ispopulated:b definition:t"),
    rows: (ctx) => ctx.model.relations.filter((r) => r.relkind === "m").map((r) => [r.schema, r.name, ctx.model.owner, null, r.indexes.length > 0, true, r.definition ?? null]),
  },
  {
    schema: "pg_catalog",
    name: "pg_indexes",
    columns: cols("schemaname:t tablename:t indexname:t tablespace:t indexdef:t"),
    rows: (ctx) => ctx.model.relations.flatMap((r) => r.indexes.map((ix) => [r.schema, r.name, ix.name, null, ix.definition])),
  },
  {
    schema: "information_schema",
    name: "schemata",
    columns: cols("catalog_name:t schema_name:t schema_owner:t default_character_set_catalog:t default_character_set_schema:t default_character_set_name:t sql_path:t"),
    rows: (ctx) => ctx.model.namespaces.map((n) => [ctx.database, n.name, ctx.model.owner, null, null, null, null]),
  },
  {
    schema: "information_schema",
    name: "table_privileges",
    columns: cols("grantor:t grantee:t table_catalog:t table_schema:t table_name:t privilege_type:t is_grantable:t with_hierarchy:t"),
    rows: (ctx) =>
      ctx.model.relations
        .filter((r) => r.entry && r.entry.kind !== "system" && r.relkind !== "i")
        .flatMap((r) => {
          const owner = r.entry!.owner ?? BOOTSTRAP_SUPERUSER;
          return (r.entry!.acl ?? defaultAcl("relation", owner)).flatMap((i) =>
            [...i.privs].map((l) => [i.grantor, i.grantee === PUBLIC ? "PUBLIC" : i.grantee, ctx.database, r.schema, r.name, PRIVILEGE_NAME[l], i.grantable.includes(l) || i.grantee === owner ? "YES" : "NO", l === "r" ? "YES" : "NO"]),
          );
        }),
  },
  {
    schema: "information_schema",
    name: "tables",
    columns: cols("table_catalog:t table_schema:t table_name:t table_type:t self_referencing_column_name:t reference_generation:t user_defined_type_catalog:t user_defined_type_schema:t user_defined_type_name:t is_insertable_into:t is_typed:t commit_action:t"),
    rows: (ctx) =>
      ctx.model.relations
        .filter((r) => r.relkind !== "i")
        .map((r) => [ctx.database, r.schema, r.name, r.relkind === "r" ? "BASE TABLE" : r.relkind === "f" ? "FOREIGN" : "VIEW", null, null, null, null, null, r.relkind === "r" ? "YES" : "NO", "NO", null]),
  },
  {
    schema: "information_schema",
    name: "columns",
    columns: cols(`table_catalog:t table_schema:t table_name:t column_name:t ordinal_position:i column_default:t is_nullable:t
      data_type:t character_maximum_length:i character_octet_length:i numeric_precision:i numeric_precision_radix:i
      numeric_scale:i datetime_precision:i udt_catalog:t udt_schema:t udt_name:t is_identity:t is_generated:t is_updatable:t`),
    rows: (ctx) =>
      ctx.model.relations
        .filter((r) => r.relkind !== "i")
        .flatMap((r) =>
          r.columns.map((c) => {
            const t = c.type;
            const udt = builtinTypes().find((b) => b.oid === c.typeOid)?.name ?? "text";
            const numericPrecision = t.id === "smallint" ? 16 : t.id === "integer" ? 32 : t.id === "bigint" ? 64 : t.id === "real" ? 24 : t.id === "double" ? 53 : t.id === "numeric" ? (t.precision ?? null) : null;
            const radix = numericPrecision === null ? null : t.id === "numeric" ? 10 : 2;
            return [
              ctx.database, r.schema, r.name, c.name, c.num, c.defaultText ?? null, c.notNull ? "NO" : "YES",
              t.id === "array" ? "ARRAY" : t.id === "vector" ? "USER-DEFINED" : c.typeText.replace(/\(.*\)$/, ""), isString(t.id) ? (t.length ?? null) : null, isString(t.id) ? 1073741824 : null, numericPrecision, radix,
              t.id === "numeric" ? (t.scale ?? null) : numericPrecision !== null ? 0 : null, t.id === "timestamp" || t.id === "timestamptz" || t.id === "time" ? 6 : t.id === "date" ? 0 : null,
              ctx.database, t.id === "vector" ? "public" : "pg_catalog", udt, "NO", "NEVER", r.relkind === "r" ? "YES" : "NO",
            ];
          }),
        ),
  },
];

/** Relations psql's describe queries join that hold nothing for us (no inheritance, policies, triggers, ...). */
function emptyRelation(name: string, spec: string): SystemRelation {
  return { schema: "pg_catalog", name, columns: cols(spec), rows: () => [] };
}

SYSTEM_RELATIONS.push(
  {
    schema: "pg_catalog",
    name: "pg_attrdef",
    columns: cols("oid:i adrelid:i adnum:s adbin:t"),
    rows: (ctx) =>
      ctx.model.relations.flatMap((r) => r.columns.filter((c) => c.defaultText !== undefined).map((c) => [r.oid * 1000 + c.num, r.oid, c.num, c.defaultText])),
  },
  {
    schema: "pg_catalog",
    name: "pg_constraint",
    columns: cols(`oid:i conname:t connamespace:i contype:t condeferrable:b condeferred:b convalidated:b conrelid:i contypid:i
      conindid:i conparentid:i confrelid:i confupdtype:t confdeltype:t confmatchtype:t conislocal:b coninhcount:i
      connoinherit:b conkey:sa confkey:sa conbin:t`),
    rows: (ctx) =>
      ctx.model.relations.flatMap((r) =>
        r.indexes
          .filter((ix) => ix.constraint)
          .map((ix) => [ix.constraintOid, ix.name, r.namespaceOid, ix.constraint, false, false, true, r.oid, 0, ix.oid, 0, 0, " ", " ", " ", true, 0, true, ix.keys, null, null]),
      ),
  },
  {
    schema: "pg_catalog",
    name: "pg_collation",
    columns: cols("oid:i collname:t collnamespace:i collowner:i collprovider:t collisdeterministic:b collencoding:i collcollate:t collctype:t"),
    rows: () => [[100, "default", 11, BOOTSTRAP_SUPERUSER_OID, "d", true, -1, null, null], [950, "C", 11, BOOTSTRAP_SUPERUSER_OID, "c", true, -1, "C", "C"]],
  },
  {
    schema: "pg_catalog",
    name: "pg_tablespace",
    columns: cols("oid:i spcname:t spcowner:i spcacl:ta spcoptions:ta"),
    rows: () => [[1663, "pg_default", BOOTSTRAP_SUPERUSER_OID, null, null], [1664, "pg_global", BOOTSTRAP_SUPERUSER_OID, null, null]],
  },
  {
    schema: "pg_catalog",
    name: "sage_index_def",
    columns: cols("oid:i indexdef:t constraintdef:t"),
    rows: (ctx) => ctx.model.relations.flatMap((r) => r.indexes.flatMap((ix) => {
      const row = [ix.oid, ix.definition, ix.constraintDefinition ?? null];
      return ix.constraintOid === undefined ? [row] : [row, [ix.constraintOid, ix.definition, ix.constraintDefinition ?? null]];
    })),
  },
  {
    schema: "pg_catalog",
    name: "sage_index_column",
    columns: cols("oid:i num:i expr:t"),
    rows: (ctx) => ctx.model.relations.filter((r) => r.relkind === "i").flatMap((r) => r.columns.map((c) => [r.oid, c.num, c.name])),
  },
  {
    schema: "pg_catalog",
    name: "sage_view_def",
    columns: cols("oid:i definition:t"),
    rows: (ctx) => ctx.model.relations.filter((r) => r.definition !== undefined).map((r) => [r.oid, r.definition]),
  },
  {
    schema: "pg_catalog",
    name: "pg_auth_members",
    columns: cols("roleid:i member:i grantor:i admin_option:b"),
    rows: (ctx) =>
      ctx.model.memberships
        .filter((m) => ctx.roles.includes(m.role) && ctx.roles.includes(m.member))
        .map((m) => [ctx.roleOid(m.role), ctx.roleOid(m.member), ctx.roles.includes(m.grantor) ? ctx.roleOid(m.grantor) : BOOTSTRAP_SUPERUSER_OID, m.admin]),
  },
  emptyRelation("pg_inherits", "inhrelid:i inhparent:i inhseqno:i inhdetachpending:b"),
  emptyRelation("pg_policy", "oid:i polname:t polrelid:i polcmd:t polpermissive:b polroles:ia polqual:t polwithcheck:t"),
  emptyRelation("pg_statistic_ext", "oid:i stxrelid:i stxname:t stxnamespace:i stxowner:i stxstattarget:i stxkeys:sa stxkind:ta stxexprs:t"),
  emptyRelation("pg_publication", "oid:i pubname:t pubowner:i puballtables:b pubinsert:b pubupdate:b pubdelete:b pubtruncate:b pubviaroot:b"),
  emptyRelation("pg_publication_rel", "oid:i prpubid:i prrelid:i prqual:t prattrs:sa"),
  emptyRelation("pg_publication_namespace", "oid:i pnpubid:i pnnspid:i"),
  emptyRelation("pg_trigger", "oid:i tgrelid:i tgparentid:i tgname:t tgfoid:i tgtype:s tgenabled:t tgisinternal:b tgconstrrelid:i tgconstrindid:i tgconstraint:i tgdeferrable:b tginitdeferred:b tgnargs:s tgattr:sa tgqual:t"),
  emptyRelation("pg_rewrite", "oid:i rulename:t ev_class:i ev_type:t ev_enabled:t is_instead:b ev_qual:t ev_action:t"),
  emptyRelation("pg_sequence", "seqrelid:i seqtypid:i seqstart:l seqincrement:l seqmax:l seqmin:l seqcache:l seqcycle:b"),
  emptyRelation("pg_foreign_table", "ftrelid:i ftserver:i ftoptions:ta"),
  emptyRelation("pg_foreign_server", "oid:i srvname:t srvowner:i srvfdw:i srvtype:t srvversion:t srvacl:ta srvoptions:ta"),
  emptyRelation("pg_partitioned_table", "partrelid:i partstrat:t partnatts:s partdefid:i partattrs:sa"),
  emptyRelation("pg_depend", "classid:i objid:i objsubid:i refclassid:i refobjid:i refobjsubid:i deptype:t"),
  emptyRelation("pg_event_trigger", "oid:i evtname:t evtevent:t evtowner:i evtfoid:i evtenabled:t evttags:ta"),
  {
    schema: "pg_catalog",
    name: "pg_language",
    columns: cols("oid:i lanname:t lanowner:i lanispl:b lanpltrusted:b"),
    rows: () => [[14, "sql", BOOTSTRAP_SUPERUSER_OID, false, true], [JAVASCRIPT_LANGUAGE_OID, "javascript", BOOTSTRAP_SUPERUSER_OID, true, false]],
  },
  emptyRelation("pg_opclass", "oid:i opcmethod:i opcname:t opcnamespace:i opcowner:i opcfamily:i opcintype:i opcdefault:b opckeytype:i"),
  emptyRelation("pg_operator", "oid:i oprname:t oprnamespace:i oprowner:i oprkind:t oprleft:i oprright:i oprresult:i oprcode:t"),
  emptyRelation("pg_cast", "oid:i castsource:i casttarget:i castfunc:i castcontext:t castmethod:t"),
  emptyRelation("pg_conversion", "oid:i conname:t connamespace:i conowner:i conforencoding:i contoencoding:i conproc:t condefault:b"),
  emptyRelation("pg_default_acl", "oid:i defaclrole:i defaclnamespace:i defaclobjtype:t defaclacl:ta"),
  emptyRelation("pg_init_privs", "objoid:i classoid:i objsubid:i privtype:t initprivs:ta"),
  emptyRelation("pg_seclabel", "objoid:i classoid:i objsubid:i provider:t label:t"),
  emptyRelation("pg_shdescription", "objoid:i classoid:i description:t"),
  emptyRelation("pg_stat_activity", "datid:i datname:t pid:i usesysid:i usename:t application_name:t client_addr:t state:t query:t"),
);

export function findSystemRelation(schema: string | undefined, name: string): SystemRelation | undefined {
  return SYSTEM_RELATIONS.find((r) => r.name === name && (schema === undefined ? r.schema === "pg_catalog" : r.schema === schema));
}
