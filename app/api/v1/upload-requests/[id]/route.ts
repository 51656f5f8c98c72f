import { apiRoutes } from "@/lib/api/endpoint";
import { getUploadRequestEndpoint } from "@/lib/api/endpoints/upload-requests";

export const { GET, POST, PATCH, PUT, DELETE, OPTIONS } = apiRoutes(getUploadRequestEndpoint);
