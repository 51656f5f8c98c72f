import { ListingSkeleton } from "@/components/browser/listing-skeleton";

export default function Loading() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Buckets</h1>
      <ListingSkeleton rows={4} />
    </div>
  );
}
