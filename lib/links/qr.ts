import QRCode from "qrcode";

/** The QR code the share dialogs show under a new link, as SVG; null when the URL is too long for one. */
export async function linkQrSvg(url: string): Promise<string | null> {
  try {
    return await QRCode.toString(url, { type: "svg", margin: 1, errorCorrectionLevel: "L" });
  } catch {
    // Very long keys can exceed what a QR code holds; the link itself is fine.
    return null;
  }
}
