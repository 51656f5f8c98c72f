import { apiRoutes } from "@/lib/api/endpoint";
import { createLinkEndpoint, listLinksEndpoint } from "@/lib/api/endpoints/links";

export const { GET, POST, PATCH, PUT, DELETE, OPTIONS } = apiRoutes(listLinksEndpoint, createLinkEndpoint);
