// Stable OIDs for catalog objects, as Postgres would have assigned them: fixed ones for the
// built-in schemas, access methods and types; 16384 upwards (FirstNormalObjectId) for user
// objects, handed out the first time an object is seen and kept for the server's lifetime.

export const NAMESPACE_OIDS: Readonly<Record<string, number>> = {
  pg_catalog: 11,
  public: 2200,
  information_schema: 13_000,
  sage_catalog: 13_100,
};

export const AM_OIDS = { heap: 2, btree: 403, hash: 405, hnsw: 16_000 } as const;
export const DATABASE_OID = 5;
export const BOOTSTRAP_SUPERUSER_OID = 10;
export const PG_CLASS_OID = 1259;
export const TEXT_COLLATION_OID = 100;

/** User objects start here (above the vector type's fixed OIDs, see type-oids.ts). */
const FIRST_USER_OID = 16_400;

export class OidRegistry {
  private readonly byKey = new Map<string, number>();
  private next = FIRST_USER_OID;

  /** The OID of an object identified by `key` (e.g. "rel:t3", "ns:analytics", "idx:t3_pkey"). */
  oid(key: string): number {
    let o = this.byKey.get(key);
    if (o === undefined) {
      o = this.next++;
      this.byKey.set(key, o);
    }
    return o;
  }

  namespace(name: string): number {
    return NAMESPACE_OIDS[name] ?? this.oid(`ns:${name}`);
  }

  /** A role's OID: the first (bootstrap) user is 10, as in Postgres. */
  role(name: string, bootstrap: string): number {
    return name === bootstrap ? BOOTSTRAP_SUPERUSER_OID : this.oid(`role:${name}`);
  }
}
