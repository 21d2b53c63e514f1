import type { AuthConfig, Upload } from '../api/client';

/** A file the official picked, ready to upload (with progress when the platform reports it). */
export interface PickedFile {
  name: string;
  size?: number;
  /** A local preview (object URL) for images, when the platform gives one. */
  preview?: string;
  /** `onProgress(null)` when the platform cannot report progress. */
  upload(onProgress: (fraction: number | null) => void): Promise<Upload>;
}

/**
 * Everything the pages need from where they run — DingTalk's webview, the emulator console, a
 * plain browser, 浙政钉. The only code that touches a JSAPI lives behind this.
 */
export interface Host {
  readonly kind: 'dingtalk' | 'zzd' | 'emulator' | 'browser';
  /** Whose 免登 codes `authCode` gives: DingTalk's or 浙政钉's (the server exchanges each its own way). */
  readonly platform: 'dingtalk' | 'zzd';
  /** Whether the page draws its own title bar (DingTalk draws a native one). */
  readonly ownNavBar: boolean;
  /** A 免登 auth code, or undefined where there is none (a plain browser). `config` is fetched only if the host needs it. */
  authCode(config: () => Promise<AuthConfig>): Promise<string | undefined>;
  setTitle(title: string): void;
  openLink(url: string): void;
  /** Shows images full screen natively; false when the page should use its own viewer. */
  previewImages(urls: string[], current: number): boolean;
  /** Camera / album through the platform; undefined where a file input is used instead. */
  pickImages?(count: number): Promise<PickedFile[]>;
  /** Wraps a file from an <input type=file>. */
  fromFile(file: File): PickedFile;
}
