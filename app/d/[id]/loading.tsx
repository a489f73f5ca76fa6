export default function Loading() {
  return (
    <p className="notice" role="status">
      Opening document…
    </p>
  );
}
