import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="card" role="alert">
      <h1>Not found</h1>
      <p>This page or document does not exist, or it was deleted.</p>
      <p>
        <Link href="/">Back to your documents</Link>
      </p>
    </div>
  );
}
