import { NotFoundMessage } from "@/components/errors/not-found-message";

/** notFound() from a dashboard page: the message inside the signed-in shell. */
export default function DashboardNotFound() {
  return <NotFoundMessage />;
}
