/**
 * Who may do what: the one place that decides. Pages, server actions, route handlers and the API ask
 * these functions; none of them compares roles or folders by hand.
 *
 * - Roles: the Owner (everything, including members and the instance's settings), Admins (members,
 *   connections, every link of the team) and Members (only what their grants allow).
 * - Grants: per Member and connection, "Can browse" (list, search, preview), "Can share" (issue links),
 *   optionally in one "Bucket" of it and inside one "Folder" (a key prefix; everything outside is
 *   invisible), the "Link types" allowed and the "Longest expiry". No grant: the connection does not
 *   exist for them.
 *
 * Pure functions of an Actor (loaded once per request by lib/auth/actor.ts), so every role × action ×
 * grant is covered by unit tests.
 */

export const ROLES = ["owner", "admin", "member"] as const;
export type Role = (typeof ROLES)[number];

export type LinkTypes = "managed" | "both";

export type Grant = {
  connectionId: string;
  canBrowse: boolean;
  canShare: boolean;
  /** "Can upload": put files into the folder (and make folders there). */
  canUpload: boolean;
  /** "Can request uploads": issue upload requests (links people without an account upload through) into the folder. */
  canRequest?: boolean;
  /** The one bucket of the connection the grant is about; null for every bucket. */
  bucket: string | null;
  /** "" for the whole bucket, else a clean key prefix ending in "/" (see isCleanFolder). */
  folder: string;
  linkTypes: LinkTypes;
  longestExpirySeconds: number | null;
};

export type Actor = {
  id: string;
  /** The team's id: its Owner's user id. Connections, links and settings of the team carry it as owner_id. */
  teamId: string;
  role: Role;
  /** A Member's grants; ignored for Admins and the Owner, who hold every right on the team's connections. */
  grants: readonly Grant[];
};

/** Actions not about one object, and the roles that may take them. */
const ROLE_ACTIONS = {
  /** Settings → Members: see the people, invite, change roles and grants, remove. */
  "members.manage": ["owner", "admin"],
  /** Make an Admin the Owner (the Owner becomes an Admin). */
  "owner.transfer": ["owner"],
  /** Add, change, test and delete connections; see their endpoints and settings. */
  "connections.manage": ["owner", "admin"],
  /** See and act on every link of the team, whoever issued it ("Issued by" column and filter). */
  "links.all": ["owner", "admin"],
  /** The instance's own settings: Appearance. */
  "instance.settings": ["owner"],
  /**
   * One's own webhook (Settings → Notifications): everyone sets theirs, for the links they issued (the
   * Owner's also gets every link of the team). Where it may point: webhookMustBePublic.
   */
  "webhooks.own": ["owner", "admin", "member"],
  /** The audit log and the background jobs page. */
  "audit.view": ["owner", "admin"],
  /** One's own account, webhook, API tokens and links: everyone. */
  "self.settings": ["owner", "admin", "member"],
} as const satisfies Record<string, readonly Role[]>;

export type RoleAction = keyof typeof ROLE_ACTIONS;
export const ROLE_ACTION_NAMES = Object.keys(ROLE_ACTIONS) as RoleAction[];

export function can(actor: Actor, action: RoleAction): boolean {
  return (ROLE_ACTIONS[action] as readonly Role[]).includes(actor.role);
}

/** Admins and the Owner: every right on every connection of their team. */
function isTeamWide(actor: Actor): boolean {
  return actor.role === "owner" || actor.role === "admin";
}

const FULL: Omit<Grant, "connectionId"> = {
  canBrowse: true,
  canShare: true,
  canUpload: true,
  canRequest: true,
  bucket: null,
  folder: "",
  linkTypes: "both",
  longestExpirySeconds: null,
};

/**
 * A folder a grant may name: "" (everything) or segments of at least one character, none "." or "..",
 * ending in "/", not starting with "/". Keys are literal strings in S3, but some servers and proxies
 * normalise dot segments in paths, so a folder with them could name another place.
 */
export function isCleanFolder(folder: string): boolean {
  if (folder === "") return true;
  if (!folder.endsWith("/") || folder.startsWith("/")) return false;
  const segments = folder.slice(0, -1).split("/");
  return segments.every((segment) => segment !== "" && segment !== "." && segment !== ".." && !/[\u0000-\u001f\u007f]/.test(segment));
}

/** A key or listing prefix with a "." or ".." segment, which a path-normalising server could resolve elsewhere. */
function hasDotSegment(key: string): boolean {
  return key.split("/").some((segment) => segment === "." || segment === "..");
}

/**
 * Whether `key` lies inside `folder`. "press/" holds "press/a.pdf" and "press/x/y", never "press-old/a"
 * or "press" itself; a folder-limited grant never holds a key with dot segments ("press/../secret").
 */
export function folderContains(folder: string, key: string): boolean {
  if (folder === "") return true;
  if (!isCleanFolder(folder) || hasDotSegment(key)) return false;
  return key.length > folder.length && key.startsWith(folder);
}

/** The actor's rights on one connection of their team, or null when it is invisible to them. */
export function grantFor(actor: Actor, connectionId: string): Grant | null {
  if (isTeamWide(actor)) return { connectionId, ...FULL };
  const grant = actor.grants.find((g) => g.connectionId === connectionId);
  if (!grant || !(grant.canBrowse || grant.canShare || grant.canUpload || grant.canRequest)) return null;
  return grant;
}

/** "request": issue upload requests landing there (a Member's "Can request uploads"). */
export type ObjectRight = "browse" | "share" | "upload" | "request";

function holds(grant: Grant, right: ObjectRight): boolean {
  switch (right) {
    case "browse":
      return grant.canBrowse;
    case "share":
      return grant.canShare;
    case "upload":
      return grant.canUpload;
    case "request":
      return grant.canRequest === true;
  }
}

/** Whether a grant reaches into this bucket (a grant naming no bucket reaches every one). */
function coversBucket(grant: Grant, bucket: string): boolean {
  return grant.bucket === null || grant.bucket === bucket;
}

/** The one bucket of a connection the actor's grant is about (their list of buckets is just it); null: every bucket. */
export function grantedBucket(actor: Actor, connectionId: string): string | null {
  return grantFor(actor, connectionId)?.bucket ?? null;
}

/** May the actor browse (list, search, preview), share (issue a link to) or upload (write) this object? */
export function canOnObject(actor: Actor, right: ObjectRight, connectionId: string, bucket: string, key: string): boolean {
  const grant = grantFor(actor, connectionId);
  return grant !== null && holds(grant, right) && coversBucket(grant, bucket) && folderContains(grant.folder, key);
}

/**
 * May the actor replace an object that exists, or learn that it does (its size and date when a name clashes)?
 * Only who may both upload and browse it: an upload-only grant (a drop box) never overwrites nor peeks, its
 * clashes are kept side by side under a new name.
 */
export function canReplaceObject(actor: Actor, connectionId: string, bucket: string, key: string): boolean {
  return canOnObject(actor, "upload", connectionId, bucket, key) && canOnObject(actor, "browse", connectionId, bucket, key);
}

/**
 * What the actor may see of a listing at `prefix` ("" for a bucket's root, else ending in "/"):
 * - "all": everything in it (the prefix is inside their folder);
 * - { only: child }: only the one sub-folder leading to their folder (the prefix is above it);
 * - "none": nothing (the prefix is beside their folder, or the connection is not theirs).
 */
export type ListingView = "all" | { only: string } | "none";

export function listingView(actor: Actor, right: ObjectRight, connectionId: string, bucket: string, prefix: string): ListingView {
  const grant = grantFor(actor, connectionId);
  if (!grant || !holds(grant, right) || !coversBucket(grant, bucket)) return "none";
  const folder = grant.folder;
  if (folder === "") return "all";
  if (!isCleanFolder(folder) || hasDotSegment(prefix)) return "none";
  if (prefix.startsWith(folder)) return "all";
  if (folder.startsWith(prefix)) {
    // Above their folder (or a name prefix of its path): only the one entry leading down to it.
    const rest = folder.slice(prefix.length);
    return { only: prefix + rest.slice(0, rest.indexOf("/") + 1) };
  }
  return "none";
}

/**
 * May the actor upload somewhere on this connection (in `bucket`, when named)? Only for what the browser is
 * allowed to reach (the CSP's connect-src on the bucket browser's pages); each upload asks canOnObject.
 */
export function uploadsOnConnection(actor: Actor, connectionId: string, bucket?: string): boolean {
  const grant = grantFor(actor, connectionId);
  return grant?.canUpload === true && (bucket === undefined || coversBucket(grant, bucket));
}

/**
 * May the actor issue an upload request whose files land in `folder` ("" for a bucket's root, else ending in "/")?
 * The Owner and Admins always; a Member whose grant has "Can request uploads", in its bucket and inside its folder.
 */
export function canRequestUploads(actor: Actor, connectionId: string, bucket: string, folder: string): boolean {
  return listingView(actor, "request", connectionId, bucket, folder) === "all";
}

/** The link kinds the actor may issue on a connection: both, managed only, or none. */
export function allowedLinkKinds(actor: Actor, connectionId: string): ("direct" | "managed")[] {
  const grant = grantFor(actor, connectionId);
  if (!grant?.canShare) return [];
  return grant.linkTypes === "managed" ? ["managed"] : ["managed", "direct"];
}

/** The longest expiry the actor may give a link on a connection, in seconds; null: only the link type's own limit. */
export function longestExpirySeconds(actor: Actor, connectionId: string): number | null {
  return grantFor(actor, connectionId)?.longestExpirySeconds ?? null;
}

/** Which links the actor sees, as a filter on share_links: the team's, and for a Member only their own. */
export function linkScope(actor: Actor): { ownerId: string; issuedById?: string } {
  return can(actor, "links.all") ? { ownerId: actor.teamId } : { ownerId: actor.teamId, issuedById: actor.id };
}

export type LinkSubject = {
  ownerId: string;
  issuedById: string | null;
  connectionId: string | null;
  bucket: string;
  key: string;
  /** "request": an upload request (key = its landing folder), managed under the "request" right. */
  target?: string;
};

/**
 * May the actor act on a link (revoke, change, delete from history, reveal)? Admins and the Owner on
 * every link of the team; a Member on a link they issued, while they still hold Can share on its object (an
 * upload request: Can request uploads on its landing folder).
 */
export function canManageLink(actor: Actor, link: LinkSubject): boolean {
  if (link.ownerId !== actor.teamId) return false;
  if (can(actor, "links.all")) return true;
  if (link.issuedById !== actor.id || link.connectionId === null) return false;
  if (link.target === "request") return canRequestUploads(actor, link.connectionId, link.bucket, link.key);
  // A share of several files keeps the folder they lie in as its key ("press/", or "" for a bucket's root).
  if (link.key === "" || link.key.endsWith("/")) return listingView(actor, "share", link.connectionId, link.bucket, link.key) === "all";
  return canOnObject(actor, "share", link.connectionId, link.bucket, link.key);
}

/**
 * May the actor export a share's manifest? It hands out presigned URLs that nobody can take back: direct
 * links, so only for those who may manage the share and may issue direct links on its connection.
 */
export function canExportManifest(actor: Actor, link: LinkSubject): boolean {
  if (link.target === "request") return false;
  return canManageLink(actor, link) && link.connectionId !== null && allowedLinkKinds(actor, link.connectionId).includes("direct");
}

/** May the actor see a link's details and access log? Whoever may manage it, and a Member on their own links. */
export function canViewLink(actor: Actor, link: LinkSubject): boolean {
  return link.ownerId === actor.teamId && (can(actor, "links.all") || link.issuedById === actor.id);
}

/** The connections a Member holds a grant on (any right). */
function grantedConnectionIds(actor: Actor): string[] {
  return actor.grants.filter((g) => g.canBrowse || g.canShare || g.canUpload || g.canRequest).map((g) => g.connectionId);
}

/** The connections the actor sees, as a filter on storage_connections. */
export function connectionScope(actor: Actor): { ownerId: string; id?: { in: string[] } } {
  if (isTeamWide(actor)) return { ownerId: actor.teamId };
  return { ownerId: actor.teamId, id: { in: grantedConnectionIds(actor) } };
}

/** connectionScope's rule for one connection row read by its id alone: does the actor see it? */
export function seesConnection(actor: Actor, connection: { id: string; ownerId: string }): boolean {
  if (connection.ownerId !== actor.teamId) return false;
  return isTeamWide(actor) || grantedConnectionIds(actor).includes(connection.id);
}

/**
 * Must this person's webhook reach only public addresses (checked when saved and at every delivery)?
 * Everyone's but the Owner's: the Owner runs the instance and may post to their own network (a
 * self-hosted receiver on the LAN); a colleague's webhook must not reach the app's network.
 */
export function webhookMustBePublic(actor: Pick<Actor, "role">): boolean {
  return actor.role !== "owner";
}

/** An Owner acting alone (every install before teams, and every test user): every right on their own team. */
export function soleOwner(userId: string): Actor {
  return { id: userId, teamId: userId, role: "owner", grants: [] };
}

/** A person of a team, as Settings → Members shows them. */
export type MemberSubject = { id: string; teamId: string; role: Role; removed: boolean };

/**
 * May the actor change this person's role and grants, or remove them? Those who manage members, on a
 * present person of their own team who is neither the Owner nor themselves.
 */
export function canManageMember(actor: Actor, member: MemberSubject): boolean {
  return can(actor, "members.manage") && member.teamId === actor.teamId && !member.removed && member.role !== "owner" && member.id !== actor.id;
}

/**
 * May the actor hand the Owner role to this person? Only the Owner, only to a present Admin of their own
 * team (the Owner then becomes an Admin).
 */
export function canHandOwnership(actor: Actor, member: MemberSubject): boolean {
  return can(actor, "owner.transfer") && member.teamId === actor.teamId && !member.removed && member.role === "admin" && member.id !== actor.id;
}

/** The roles an invite or a change of role may give: Admin and Member (the Owner role passes only by "owner.transfer"). */
export function assignableRoles(actor: Actor): Role[] {
  return can(actor, "members.manage") ? ["admin", "member"] : [];
}
