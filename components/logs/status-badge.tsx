import { Badge } from "../ui/badge";
import { statusTone } from "./format";

export function StatusBadge({ status }: { status: number }) {
  return (
    <Badge tone={statusTone(status)} mono>
      {status}
    </Badge>
  );
}
