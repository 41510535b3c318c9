/** @type {import('next').NextConfig} */
const nextConfig = {
  // No remote fonts, images or telemetry: the app builds and runs offline.
  images: { unoptimized: true },
  poweredByHeader: false,
}

export default nextConfig
