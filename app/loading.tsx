export default function Loading() {
  return (
    <p className="notice" role="status">
      Loading your documents…
    </p>
  );
}
