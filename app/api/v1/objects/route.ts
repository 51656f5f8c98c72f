import { apiRoutes } from "@/lib/api/endpoint";
import { listObjectsEndpoint } from "@/lib/api/endpoints/storage";

export const { GET, POST, PATCH, PUT, DELETE, OPTIONS } = apiRoutes(listObjectsEndpoint);
