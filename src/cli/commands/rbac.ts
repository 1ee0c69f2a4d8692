/**
 * `sdrain rbac [--for plan|apply|all]`: prints the least-privilege RBAC objects sdrain needs
 * (ClusterRole + ClusterRoleBinding, and a Role + RoleBinding for the apply lock Lease) as
 * commented YAML or a JSON List, ready for `kubectl apply -f -`. Offline: talks to no cluster.
 */
import { Option, type Command } from 'commander';
import { SdrainError } from '../../errors.js';
import { rbacJson, rbacYaml, type ManifestOptions, type RbacSubject } from '../../rbac/manifest.js';
import { DEFAULT_LOCK_NAMESPACE, RBAC_SCOPES, type RbacScope } from '../../rbac/rules.js';
import type { CliIO } from '../io.js';
import { examplesHelp } from './help-examples.js';

interface RbacOptions {
  for: RbacScope;
  name?: string;
  namespace: string;
  serviceAccount: string;
  user?: string;
  group?: string;
  lockNamespace: string;
  withServiceAccount?: boolean;
  output: 'yaml' | 'json';
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkName(value: string, flag: string, re: RegExp): void {
  if (!re.test(value) || value.length > 253) {
    throw new SdrainError('USAGE', `Cannot use ${flag} "${value}": expected a lower-case DNS name (letters, digits, '-')`);
  }
}

export function register(program: Command, io: CliIO): void {
  program
    .command('rbac')
    .description('print the least-privilege ClusterRole, Role and bindings that sdrain plan/apply need (kubectl apply -f -)')
    .addOption(new Option('--for <scope>', 'plan (read-only), apply (plan + apply + uncordon), all (also unlock)').choices(RBAC_SCOPES).default('apply'))
    .option('--name <name>', 'name of the ClusterRole and ClusterRoleBinding (the lock Role gets "-lock" appended) (default: "sdrain", or "sdrain-plan" for --for plan)')
    .option('--service-account <name>', 'ServiceAccount to bind', 'sdrain')
    .option('--namespace <ns>', 'namespace of the ServiceAccount', DEFAULT_LOCK_NAMESPACE)
    .option('--user <name>', 'bind this user instead of a ServiceAccount')
    .option('--group <name>', 'bind this group instead of a ServiceAccount')
    .option('--lock-namespace <ns>', 'namespace of the apply lock Lease (apply --lock-namespace)', DEFAULT_LOCK_NAMESPACE)
    .option('--with-service-account', 'also print the ServiceAccount object')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .action((opts: RbacOptions) => {
      const name = opts.name ?? (opts.for === 'plan' ? 'sdrain-plan' : 'sdrain');
      checkName(name, '--name', DNS_SUBDOMAIN);
      checkName(opts.lockNamespace, '--lock-namespace', DNS_LABEL);
      if (opts.user !== undefined && opts.group !== undefined) throw new SdrainError('USAGE', 'Cannot combine --user with --group: bind one subject');
      let subject: RbacSubject;
      if (opts.user !== undefined) subject = { kind: 'User', name: opts.user };
      else if (opts.group !== undefined) subject = { kind: 'Group', name: opts.group };
      else {
        checkName(opts.serviceAccount, '--service-account', DNS_SUBDOMAIN);
        checkName(opts.namespace, '--namespace', DNS_LABEL);
        subject = { kind: 'ServiceAccount', name: opts.serviceAccount, namespace: opts.namespace };
      }
      if (opts.withServiceAccount && subject.kind !== 'ServiceAccount') {
        throw new SdrainError('USAGE', 'Cannot use --with-service-account with --user or --group');
      }
      const m: ManifestOptions = { scope: opts.for, name, subject, lockNamespace: opts.lockNamespace, withServiceAccount: opts.withServiceAccount === true };
      io.stdout(opts.output === 'json' ? rbacJson(m) : rbacYaml(m));
    })
    .addHelpText(
      'after',
      examplesHelp([
        ['create the roles apply needs, bound to ServiceAccount kube-system/sdrain', 'rbac --for apply | kubectl apply -f -'],
        ['the same with the ServiceAccount itself (e.g. for the in-cluster Job)', 'rbac --for apply --with-service-account | kubectl apply -f -'],
        ['read-only roles for planning in CI, bound to a group', 'rbac --for plan --group sre'],
      ]),
    );
}
