import type { FileKind } from "@/lib/format";

const glyph: Record<FileKind, string> = {
  folder: "📁",
  image: "🖼️",
  pdf: "📕",
  text: "📄",
  audio: "🎵",
  video: "🎞️",
  archive: "🗜️",
  code: "📜",
  file: "📦",
};

export function FileIcon({ kind }: { kind: FileKind }) {
  return (
    <span aria-hidden="true" className="inline-block w-5 shrink-0 text-center">
      {glyph[kind]}
    </span>
  );
}
