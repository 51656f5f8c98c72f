import "server-only";
import type { AnyEndpoint } from "@/lib/api/endpoint";
import { LINK_ENDPOINTS } from "@/lib/api/endpoints/links";
import { UPLOAD_REQUEST_ENDPOINTS } from "@/lib/api/endpoints/upload-requests";
import { listBucketsEndpoint, listConnectionsEndpoint, listObjectsEndpoint } from "@/lib/api/endpoints/storage";

/** Every API operation, in the order the reference lists them. The OpenAPI document is built from this list. */
export const API_ENDPOINTS: AnyEndpoint[] = [listConnectionsEndpoint, listBucketsEndpoint, listObjectsEndpoint, ...LINK_ENDPOINTS, ...UPLOAD_REQUEST_ENDPOINTS];
