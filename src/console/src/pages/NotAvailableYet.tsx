/** A page of the console that is not built yet: plainly labelled, offering nothing fake. */
export function NotAvailableYet({ title }: { title: string }) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{title}</h1>
      <p className="state state-empty">
        This page is not available yet in the console. The same actions are available through the REST API (see <a href="/docs">/docs</a>) and the
        <code> mantis</code> CLI.
      </p>
    </section>
  );
}
