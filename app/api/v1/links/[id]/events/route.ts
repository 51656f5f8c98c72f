import { apiRoutes } from "@/lib/api/endpoint";
import { listLinkEventsEndpoint } from "@/lib/api/endpoints/links";

export const { GET, POST, PATCH, PUT, DELETE, OPTIONS } = apiRoutes(listLinkEventsEndpoint);
