import { ListingSkeleton } from "@/components/browser/listing-skeleton";

export default function Loading() {
  return <ListingSkeleton />;
}
