import { usePageTitle } from '../hooks/use-page-title.js';
import { Link } from '../lib/router.js';
import { PAGE_NARROW } from './page.js';

/** Any URL the app does not know. */
export function NotFoundPage({ what = 'page' }: { what?: string }) {
  usePageTitle('Not found');
  return (
    <section className={PAGE_NARROW}>
      <h1>Not found</h1>
      <p>
        This {what} does not exist, or you do not have access to it. <Link href="/projects">Back to your projects</Link>
      </p>
    </section>
  );
}
