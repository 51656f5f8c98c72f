import { ListingSkeleton } from "@/components/browser/listing-skeleton";

export default function Loading() {
  return (
    <div className="space-y-5">
      <h1 className="text-2xl font-semibold">Link details</h1>
      <ListingSkeleton rows={8} />
    </div>
  );
}
