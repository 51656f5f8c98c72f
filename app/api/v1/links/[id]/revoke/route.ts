import { apiRoutes } from "@/lib/api/endpoint";
import { revokeLinkEndpoint } from "@/lib/api/endpoints/links";

export const { GET, POST, PATCH, PUT, DELETE, OPTIONS } = apiRoutes(revokeLinkEndpoint);
