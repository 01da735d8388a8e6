// esbuild bundles imported CSS into studio.css
declare module "*.css";
