import { Badge } from "./badge";
import { statusTone } from "@/components/logs/format";

export function StatusBadge({ status }: { status: number }) {
  return (
    <Badge tone={statusTone(status)} mono>
      {status}
    </Badge>
  );
}
