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
    <span aria-hidden="true" className="file-icon">
      {glyph[kind]}
    </span>
  );
}
