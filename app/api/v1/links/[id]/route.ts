import { apiRoutes } from "@/lib/api/endpoint";
import { deleteLinkEndpoint, getLinkEndpoint, updateLinkEndpoint } from "@/lib/api/endpoints/links";

export const { GET, POST, PATCH, PUT, DELETE, OPTIONS } = apiRoutes(getLinkEndpoint, updateLinkEndpoint, deleteLinkEndpoint);
