import { describe, expect, it } from "vitest";
import {
  type Actor,
  type Grant,
  type RoleAction,
  ROLE_ACTION_NAMES,
  allowedLinkKinds,
  assignableRoles,
  can,
  canManageMember,
  canExportManifest,
  canManageLink,
  canOnObject,
  canReplaceObject,
  canRequestUploads,
  canViewLink,
  connectionScope,
  seesConnection,
  folderContains,
  grantFor,
  isCleanFolder,
  linkScope,
  grantedBucket,
  listingView,
  longestExpirySeconds,
  soleOwner,
  uploadsOnConnection,
  webhookMustBePublic,
} from "@/lib/auth/permissions";

const TEAM = "team-1";
const owner: Actor = { id: TEAM, teamId: TEAM, role: "owner", grants: [] };
const admin: Actor = { id: "adam", teamId: TEAM, role: "admin", grants: [] };

function grant(partial: Partial<Grant> = {}): Grant {
  return {
    connectionId: "media",
    canBrowse: true,
    canShare: true,
    canUpload: false,
    bucket: null,
    folder: "",
    linkTypes: "both",
    longestExpirySeconds: null,
    ...partial,
  };
}

function member(...grants: Grant[]): Actor {
  return { id: "ana", teamId: TEAM, role: "member", grants };
}

describe("the role table", () => {
  const expected: Record<RoleAction, { owner: boolean; admin: boolean; member: boolean }> = {
    "members.manage": { owner: true, admin: true, member: false },
    "owner.transfer": { owner: true, admin: false, member: false },
    "connections.manage": { owner: true, admin: true, member: false },
    "links.all": { owner: true, admin: true, member: false },
    "instance.settings": { owner: true, admin: false, member: false },
    "audit.view": { owner: true, admin: true, member: false },
    "webhooks.own": { owner: true, admin: true, member: true },
    "self.settings": { owner: true, admin: true, member: true },
  };

  it("names every action once, and nothing else", () => {
    expect([...ROLE_ACTION_NAMES].sort()).toEqual(Object.keys(expected).sort());
  });

  for (const action of ROLE_ACTION_NAMES) {
    it(`${action}: owner ${expected[action].owner}, admin ${expected[action].admin}, member ${expected[action].member}`, () => {
      expect(can(owner, action)).toBe(expected[action].owner);
      expect(can(admin, action)).toBe(expected[action].admin);
      // A member's grants never widen a role action.
      expect(can(member(grant()), action)).toBe(expected[action].member);
    });
  }

  it("only the Owner's webhook may reach private addresses; an Admin's and a Member's must be public", () => {
    expect(webhookMustBePublic(owner)).toBe(false);
    expect(webhookMustBePublic(soleOwner("u1"))).toBe(false);
    expect(webhookMustBePublic(admin)).toBe(true);
    expect(webhookMustBePublic(member(grant()))).toBe(true);
    expect(webhookMustBePublic(member())).toBe(true);
  });

  it("an owner acting alone (every install before teams) is the Owner of their own team", () => {
    expect(soleOwner("u1")).toEqual({ id: "u1", teamId: "u1", role: "owner", grants: [] });
  });
});

describe("folders", () => {
  it("accepts only clean prefixes", () => {
    for (const folder of ["", "press/", "press/2026/", "a b/ü/", "press-old/"]) expect(isCleanFolder(folder), folder).toBe(true);
    for (const folder of ["press", "/press/", "a//b/", "a/./b/", "a/../b/", "../", "./", "/", "a/\u0000/", "a\n/"])
      expect(isCleanFolder(folder), folder).toBe(false);
  });

  it("holds what is inside and nothing beside it", () => {
    expect(folderContains("press/", "press/a.pdf")).toBe(true);
    expect(folderContains("press/", "press/2026/b.pdf")).toBe(true);
    // A string prefix of another folder's name gives nothing of it.
    expect(folderContains("press/", "press-old/a.pdf")).toBe(false);
    expect(folderContains("press", "press-old/a.pdf")).toBe(false);
    expect(folderContains("press/", "press")).toBe(false);
    expect(folderContains("press/", "other/press/a.pdf")).toBe(false);
    expect(folderContains("", "anything/at/all")).toBe(true);
  });

  it("never lets a dot segment or an unclean folder through", () => {
    expect(folderContains("a/", "a/../b")).toBe(false);
    expect(folderContains("a/", "a/./b")).toBe(false);
    expect(folderContains("a/", "a/x/..")).toBe(false);
    // An empty segment is a literal key inside the folder (S3 does not normalise it).
    expect(folderContains("a/", "a//b")).toBe(true);
    expect(folderContains("a//", "a//b")).toBe(false);
    expect(folderContains("../", "../b")).toBe(false);
  });
});

describe("grants", () => {
  it("Admins and the Owner hold every right on every connection of their team", () => {
    for (const actor of [owner, admin]) {
      expect(grantFor(actor, "any")).toMatchObject({ canBrowse: true, canShare: true, folder: "" });
      expect(canOnObject(actor, "share", "any", "acme", "x/y")).toBe(true);
      expect(allowedLinkKinds(actor, "any")).toEqual(["managed", "direct"]);
      expect(longestExpirySeconds(actor, "any")).toBeNull();
    }
  });

  it("a Member without a grant sees nothing of a connection", () => {
    const ana = member(grant({ connectionId: "media" }));
    expect(grantFor(ana, "finance")).toBeNull();
    expect(canOnObject(ana, "browse", "finance", "acme", "a.pdf")).toBe(false);
    expect(listingView(ana, "browse", "finance", "acme", "")).toBe("none");
    expect(allowedLinkKinds(ana, "finance")).toEqual([]);
    // A row with neither right is no grant at all.
    expect(grantFor(member(grant({ canBrowse: false, canShare: false })), "media")).toBeNull();
  });

  it("Can browse and Can share are separate rights", () => {
    const viewer = member(grant({ canShare: false }));
    expect(canOnObject(viewer, "browse", "media", "acme", "a.png")).toBe(true);
    expect(canOnObject(viewer, "share", "media", "acme", "a.png")).toBe(false);
    expect(allowedLinkKinds(viewer, "media")).toEqual([]);
    const sharer = member(grant({ canBrowse: false }));
    expect(canOnObject(sharer, "browse", "media", "acme", "a.png")).toBe(false);
    expect(canOnObject(sharer, "share", "media", "acme", "a.png")).toBe(true);
  });

  it("a folder grant covers its folder only", () => {
    const ana = member(grant({ folder: "press/" }));
    expect(canOnObject(ana, "share", "media", "acme", "press/kit.zip")).toBe(true);
    expect(canOnObject(ana, "share", "media", "acme", "press-old/kit.zip")).toBe(false);
    expect(canOnObject(ana, "browse", "media", "acme", "press/../finance/q3.pdf")).toBe(false);
    expect(canOnObject(ana, "browse", "media", "acme", "top.pdf")).toBe(false);
  });

  it("a grant naming a bucket covers that bucket only; without one, every bucket", () => {
    const ana = member(grant({ bucket: "acme-media", folder: "press/" }));
    expect(grantedBucket(ana, "media")).toBe("acme-media");
    expect(canOnObject(ana, "share", "media", "acme-media", "press/kit.zip")).toBe(true);
    expect(canOnObject(ana, "browse", "media", "acme-finance", "press/kit.zip")).toBe(false);
    expect(canOnObject(ana, "browse", "media", "acme-media-old", "press/kit.zip")).toBe(false);
    expect(listingView(ana, "browse", "media", "acme-media", "")).toEqual({ only: "press/" });
    expect(listingView(ana, "browse", "media", "acme-finance", "")).toBe("none");
    const link = { ownerId: TEAM, issuedById: "ana", connectionId: "media", key: "press/kit.zip" };
    expect(canManageLink(ana, { ...link, bucket: "acme-media" })).toBe(true);
    expect(canManageLink(ana, { ...link, bucket: "acme-finance" })).toBe(false);
    expect(grantedBucket(member(grant()), "media")).toBeNull();
    expect(canOnObject(member(grant()), "browse", "media", "any-bucket", "a.pdf")).toBe(true);
    expect(grantedBucket(admin, "media")).toBeNull();
  });

  it("Can upload is a right of its own, inside the same bucket and folder", () => {
    const dropper = member(grant({ canBrowse: false, canShare: false, canUpload: true, folder: "inbox/" }));
    expect(grantFor(dropper, "media")).not.toBeNull();
    expect(canOnObject(dropper, "upload", "media", "acme", "inbox/new.pdf")).toBe(true);
    expect(canOnObject(dropper, "upload", "media", "acme", "inbox-old/new.pdf")).toBe(false);
    expect(canOnObject(dropper, "browse", "media", "acme", "inbox/new.pdf")).toBe(false);
    expect(listingView(dropper, "upload", "media", "acme", "inbox/")).toBe("all");
    expect(canOnObject(member(grant()), "upload", "media", "acme", "a.pdf")).toBe(false);
    expect(canOnObject(admin, "upload", "media", "acme", "a.pdf")).toBe(true);
    // A drop box never overwrites what it cannot see; who browses and uploads may.
    expect(canReplaceObject(dropper, "media", "acme", "inbox/new.pdf")).toBe(false);
    expect(canReplaceObject(member(grant({ canUpload: true, folder: "inbox/" })), "media", "acme", "inbox/new.pdf")).toBe(true);
    expect(canReplaceObject(admin, "media", "acme", "a.pdf")).toBe(true);
  });

  it("link types and the longest expiry come from the grant", () => {
    const ana = member(grant({ linkTypes: "managed", longestExpirySeconds: 30 * 86_400 }));
    expect(allowedLinkKinds(ana, "media")).toEqual(["managed"]);
    expect(longestExpirySeconds(ana, "media")).toBe(30 * 86_400);
  });
});

describe("listings", () => {
  const ana = member(grant({ folder: "acme/press/" }));

  it("inside the folder: everything; above it: only the way down; beside it: nothing", () => {
    expect(listingView(ana, "browse", "media", "acme", "acme/press/")).toBe("all");
    expect(listingView(ana, "browse", "media", "acme", "acme/press/2026/")).toBe("all");
    expect(listingView(ana, "browse", "media", "acme", "")).toEqual({ only: "acme/" });
    expect(listingView(ana, "browse", "media", "acme", "acme/")).toEqual({ only: "acme/press/" });
    expect(listingView(ana, "browse", "media", "acme", "acme/pr")).toEqual({ only: "acme/press/" });
    expect(listingView(ana, "browse", "media", "acme", "acme/press-old/")).toBe("none");
    expect(listingView(ana, "browse", "media", "acme", "other/")).toBe("none");
    expect(listingView(ana, "browse", "media", "acme", "acme/press/../")).toBe("none");
  });

  it("a right the member lacks shows nothing, a team-wide role everything", () => {
    expect(listingView(member(grant({ canBrowse: false })), "browse", "media", "acme", "")).toBe("none");
    expect(listingView(admin, "browse", "media", "acme", "")).toBe("all");
  });
});

describe("the request right (Can request uploads)", () => {
  const requester = member(grant({ canBrowse: true, canShare: false, canRequest: true, bucket: "acme", folder: "inbox/" }));

  it("the Owner and Admins always; a Member only with Can request uploads, inside the grant's bucket and folder", () => {
    expect(canRequestUploads(owner, "media", "any", "")).toBe(true);
    expect(canRequestUploads(admin, "media", "acme", "x/")).toBe(true);
    expect(canRequestUploads(requester, "media", "acme", "inbox/")).toBe(true);
    expect(canRequestUploads(requester, "media", "acme", "inbox/2026/")).toBe(true);
    expect(canRequestUploads(requester, "media", "acme", "")).toBe(false);
    expect(canRequestUploads(requester, "media", "acme", "inbox-old/")).toBe(false);
    expect(canRequestUploads(requester, "media", "other", "inbox/")).toBe(false);
    expect(canRequestUploads(requester, "elsewhere", "acme", "inbox/")).toBe(false);
    expect(canRequestUploads(requester, "media", "acme", "inbox/../")).toBe(false);
    // Can share, Can upload or Can browse do not give it.
    expect(canRequestUploads(member(grant({ canUpload: true })), "media", "acme", "")).toBe(false);
  });

  it("is a right of its own: a request-only grant still makes the connection exist for them", () => {
    const only = member(grant({ canBrowse: false, canShare: false, canRequest: true }));
    expect(grantFor(only, "media")).not.toBeNull();
    expect(connectionScope(only)).toEqual({ ownerId: TEAM, id: { in: ["media"] } });
    expect(canOnObject(only, "browse", "media", "acme", "a.pdf")).toBe(false);
  });

  it("a request (target request) is managed under the request right on its landing folder, never exported as a manifest", () => {
    const request = { ownerId: TEAM, issuedById: "ana", connectionId: "media", bucket: "acme", key: "inbox/Photos/", target: "request" };
    expect(canManageLink(requester, request)).toBe(true);
    // Without the right any more: seen, not managed.
    expect(canManageLink(member(grant({ bucket: "acme", folder: "inbox/" })), request)).toBe(false);
    expect(canViewLink(member(grant({ bucket: "acme", folder: "inbox/" })), request)).toBe(true);
    expect(canManageLink(requester, { ...request, issuedById: "someone-else" })).toBe(false);
    expect(canManageLink(admin, request)).toBe(true);
    expect(canExportManifest(owner, request)).toBe(false);
  });
});

describe("uploads reach storage (the bucket browser's connect-src)", () => {
  it("only with Can upload, in the granted bucket; Admins and the Owner everywhere", () => {
    expect(uploadsOnConnection(member(grant()), "media")).toBe(false);
    const uploader = member(grant({ canUpload: true, bucket: "acme", folder: "in/" }));
    expect(uploadsOnConnection(uploader, "media")).toBe(true);
    expect(uploadsOnConnection(uploader, "media", "acme")).toBe(true);
    expect(uploadsOnConnection(uploader, "media", "other")).toBe(false);
    expect(uploadsOnConnection(uploader, "elsewhere")).toBe(false);
    expect(uploadsOnConnection(owner, "media", "any")).toBe(true);
    expect(uploadsOnConnection(admin, "media")).toBe(true);
  });
});

describe("links", () => {
  const link = { ownerId: TEAM, issuedById: "ana", connectionId: "media", bucket: "acme", key: "press/kit.zip" };

  it("Members see their own links, Admins and the Owner every link of the team", () => {
    expect(linkScope(owner)).toEqual({ ownerId: TEAM });
    expect(linkScope(admin)).toEqual({ ownerId: TEAM });
    expect(linkScope(member(grant()))).toEqual({ ownerId: TEAM, issuedById: "ana" });
    expect(canViewLink(member(), link)).toBe(true);
    expect(canViewLink({ ...member(), id: "bob" }, link)).toBe(false);
    expect(canViewLink(admin, link)).toBe(true);
  });

  it("the issuer acts on a link only while they may still share its object; Admins always", () => {
    expect(canManageLink(member(grant({ folder: "press/" })), link)).toBe(true);
    expect(canManageLink(member(grant({ folder: "other/" })), link)).toBe(false);
    expect(canManageLink(member(grant({ canShare: false })), link)).toBe(false);
    expect(canManageLink(member(), link)).toBe(false);
    expect(canManageLink({ ...member(grant()), id: "bob" }, link)).toBe(false);
    expect(canManageLink(admin, link)).toBe(true);
    expect(canManageLink(owner, { ...link, issuedById: null, connectionId: null })).toBe(true);
  });

  it("a share of several files is the issuer's while their grant holds its whole folder", () => {
    const share = { ownerId: TEAM, issuedById: "ana", connectionId: "media", bucket: "acme", key: "press/" };
    expect(canManageLink(member(grant({ folder: "press/" })), share)).toBe(true);
    expect(canManageLink(member(grant({ folder: "press/2026/" })), share)).toBe(false);
    expect(canManageLink(member(grant()), { ...share, key: "" })).toBe(true);
    expect(canManageLink(member(grant({ folder: "press/" })), { ...share, key: "" })).toBe(false);
  });

  it("a manifest of direct URLs only for those who may issue direct links", () => {
    const share = { ownerId: TEAM, issuedById: "ana", connectionId: "media", bucket: "acme", key: "press/" };
    expect(canExportManifest(member(grant()), share)).toBe(true);
    expect(canExportManifest(member(grant({ linkTypes: "managed" })), share)).toBe(false);
    expect(canExportManifest(admin, { ...share, issuedById: "someone" })).toBe(true);
  });

  it("nobody reaches another team's links or connections", () => {
    const elsewhere = { ...link, ownerId: "team-2" };
    expect(canManageLink(owner, elsewhere)).toBe(false);
    expect(canViewLink(admin, elsewhere)).toBe(false);
    expect(connectionScope(owner)).toEqual({ ownerId: TEAM });
    expect(connectionScope(member(grant({ connectionId: "media" }), grant({ connectionId: "x", canBrowse: false, canShare: false })))).toEqual({
      ownerId: TEAM,
      id: { in: ["media"] },
    });
  });

  it("seesConnection says of one connection row what connectionScope says as a filter", () => {
    const granted = member(grant({ connectionId: "media" }), grant({ connectionId: "x", canBrowse: false, canShare: false }));
    expect(seesConnection(owner, { id: "any", ownerId: TEAM })).toBe(true);
    expect(seesConnection(admin, { id: "any", ownerId: TEAM })).toBe(true);
    expect(seesConnection(owner, { id: "any", ownerId: "team-2" })).toBe(false);
    expect(seesConnection(granted, { id: "media", ownerId: TEAM })).toBe(true);
    expect(seesConnection(granted, { id: "x", ownerId: TEAM })).toBe(false);
    expect(seesConnection(granted, { id: "other", ownerId: TEAM })).toBe(false);
    expect(seesConnection(granted, { id: "media", ownerId: "team-2" })).toBe(false);
    expect(seesConnection(member(grant({ connectionId: "up", canBrowse: false, canShare: false, canUpload: true })), { id: "up", ownerId: TEAM })).toBe(true);
  });
});

describe("members", () => {
  const ana = { id: "ana", teamId: TEAM, role: "member" as const, removed: false };
  const otherAdmin = { id: "bea", teamId: TEAM, role: "admin" as const, removed: false };
  const theOwner = { id: TEAM, teamId: TEAM, role: "owner" as const, removed: false };

  it("the Owner and Admins manage the team's present Members and Admins; nobody the Owner, themselves or another team", () => {
    expect(canManageMember(owner, ana)).toBe(true);
    expect(canManageMember(owner, otherAdmin)).toBe(true);
    expect(canManageMember(admin, ana)).toBe(true);
    expect(canManageMember(admin, otherAdmin)).toBe(true);
    expect(canManageMember(admin, theOwner)).toBe(false);
    expect(canManageMember(owner, theOwner)).toBe(false);
    expect(canManageMember(admin, { ...otherAdmin, id: admin.id })).toBe(false);
    expect(canManageMember(admin, { ...ana, teamId: "team-2" })).toBe(false);
    expect(canManageMember(admin, { ...ana, removed: true })).toBe(false);
    expect(canManageMember(member(grant()), otherAdmin)).toBe(false);
    expect(canManageMember(member(grant()), { ...ana, id: "carl" })).toBe(false);
  });

  it("invites and changes give Admin or Member, never Owner; a Member gives nothing", () => {
    expect(assignableRoles(owner)).toEqual(["admin", "member"]);
    expect(assignableRoles(admin)).toEqual(["admin", "member"]);
    expect(assignableRoles(member(grant()))).toEqual([]);
  });
});
