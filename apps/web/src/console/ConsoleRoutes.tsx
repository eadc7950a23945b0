import { Route, Switch } from 'wouter';
import { JobPage } from './JobPage';
import { JobsPage } from './JobsPage';

/** `/jobs` and `/jobs/:id`; a job page remounts (fresh stores, fresh subscription) per job id. */
export function ConsoleRoutes() {
  return (
    <Switch>
      <Route path="/jobs/:id">{(p) => <JobPage key={p.id} jobId={p.id} />}</Route>
      <Route>
        <JobsPage />
      </Route>
    </Switch>
  );
}
