/**
 * Both doors to link creation, Quick Share's form and the API's JSON body, convert into the same
 * typed request (dates as dates, lists as lists, "none" as null) that issueShareLink takes.
 */
import { describe, expect, it } from "vitest";
import { createLinkBodySchema, toLinkRequest } from "@/lib/api/schemas/links";
import { AppError } from "@/lib/errors";
import { createShareSchema, toShareLinkRequest } from "@/lib/validation/share";
import { createFilesShareSchema, toFilesShareRequest } from "@/lib/validation/share-files";

const target = { connectionId: "c1", bucket: "reports", key: "2026/q3 figures.pdf" };

describe("a link to one object", () => {
  it("is the same request from the dialog's form and from the API's body", () => {
    const fromForm = toShareLinkRequest(
      createShareSchema.parse({
        ...target,
        linkType: "managed",
        expiryMode: "custom",
        amount: "90",
        unit: "minutes",
        downloadLimit: " 3 ",
        password: "open sesame",
        allowedNetworks: "10.0.0.0/8\n2001:db8::/32",
        note: " for Ann ",
        alwaysLatest: "on",
      }),
    );
    const fromApi = toLinkRequest(
      createLinkBodySchema.parse({
        ...target,
        type: "managed",
        expiresIn: 5_400,
        downloadLimit: 3,
        password: "open sesame",
        allowedNetworks: ["10.0.0.0/8", "2001:db8::/32"],
        note: "for Ann",
        alwaysLatest: true,
      }),
    );
    const expected = {
      ...target,
      kind: "managed",
      expiry: { seconds: 5_400 },
      disposition: "inline",
      fileName: null,
      contentType: null,
      note: "for Ann",
      downloadLimit: 3,
      password: "open sesame",
      allowedNetworks: ["10.0.0.0/8", "2001:db8::/32"],
      alwaysLatest: true,
      timeZone: "UTC",
    };
    expect(fromForm).toEqual(expected);
    expect(fromApi).toEqual({ target: "object", request: expected });
  });

  it("carries an instant as a Date, never as a form's wall-clock text", () => {
    const at = new Date(Date.now() + 2 * 86_400_000);
    at.setUTCSeconds(0, 0);
    const wall = new Date(at.getTime() + 330 * 60_000).toISOString().slice(0, 16);
    const fromForm = toShareLinkRequest(createShareSchema.parse({ ...target, expiryMode: "until", until: wall, timeZone: "Asia/Kolkata" }));
    expect(fromForm.expiry).toEqual({ at });
    const fromApi = toLinkRequest(createLinkBodySchema.parse({ ...target, expiresAt: at.toISOString() }));
    expect(fromApi.request.expiry).toEqual({ at });
    expect(toLinkRequest(createLinkBodySchema.parse({ ...target, type: "managed", neverExpires: true })).request.expiry).toEqual({ never: true });
    // Without an expiry: the dialog's default, 1 hour.
    expect(toLinkRequest(createLinkBodySchema.parse(target)).request).toMatchObject({
      kind: "direct",
      expiry: { seconds: 3_600 },
      password: null,
      downloadLimit: null,
      allowedNetworks: [],
    });
  });

  it("refuses an expiry the kind of link cannot have at the form's own field, with the dialog's words", () => {
    const refusal = (() => {
      try {
        toShareLinkRequest(createShareSchema.parse({ ...target, expiryMode: "custom", amount: "8", unit: "days" }));
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ reason: "invalid_expiry", fieldErrors: { amount: [expect.stringMatching(/^Links can last at most 7 days/)] } });
  });
});

describe("a multi-file share", () => {
  it("is the same request from the dialog's form and from the API's body", () => {
    const fromForm = toFilesShareRequest(
      createFilesShareSchema.parse({
        connectionId: "c1",
        bucket: "reports",
        mode: "folder",
        prefix: "2026/",
        recursive: "on",
        pattern: "*.pdf",
        zipAllowed: "on",
      }),
    );
    const fromApi = toLinkRequest(
      createLinkBodySchema.parse({ connectionId: "c1", bucket: "reports", files: { folder: "2026/", includeSubfolders: true, pattern: "*.pdf" } }),
    );
    expect(fromApi).toEqual({ target: "files", request: fromForm });
    expect(fromForm).toMatchObject({ mode: "folder", expiry: { seconds: 7 * 86_400 }, title: null, password: null, zipAllowed: true });
  });
});
