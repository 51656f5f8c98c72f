import { apiRoutes } from "@/lib/api/endpoint";
import { listConnectionsEndpoint } from "@/lib/api/endpoints/storage";

export const { GET, POST, PATCH, PUT, DELETE, OPTIONS } = apiRoutes(listConnectionsEndpoint);
