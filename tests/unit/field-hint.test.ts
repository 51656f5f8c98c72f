import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { errorRepeatsHint, Field } from "@/components/ui/field";

const password = (errors?: string[]) =>
  renderToStaticMarkup(createElement(Field, { label: "Password", name: "password", type: "password", hint: "At least 12 characters.", errors }));

describe("a field's hint and error", () => {
  it("shows the hint while there is no error", () => {
    const html = password();
    expect(html).toContain("At least 12 characters.");
    expect(html).toMatch(/aria-describedby="[^"]*-hint"/);
  });

  it("shows an error that repeats the hint instead of the hint, not both", () => {
    const html = password(["Use at least 12 characters."]);
    expect(html).toContain("Use at least 12 characters.");
    expect(html).not.toContain(">At least 12 characters.<");
    expect(html).not.toMatch(/-hint"/);
    expect(html).toMatch(/aria-describedby="[^"]*-error"/);
  });

  it("keeps the hint beside an error that says something else", () => {
    const html = password(["Passwords do not match."]);
    expect(html).toContain(">At least 12 characters.<");
    expect(html).toContain("Passwords do not match.");
  });

  it("recognises the repeats the forms have", () => {
    expect(errorRepeatsHint(["Use at least 12 characters."], "At least 12 characters.")).toBe(true);
    expect(
      errorRepeatsHint(
        ["Enter a name that says what the token is for, such as “Nightly backup script”."],
        "What the token is for, such as “Nightly backup script”.",
      ),
    ).toBe(true);
    expect(errorRepeatsHint(["Use at most 100 characters."], "What the token is for, such as “Nightly backup script”.")).toBe(false);
    expect(errorRepeatsHint(undefined, "At least 12 characters.")).toBe(false);
  });
});
