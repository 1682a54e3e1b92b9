export { buildDashboard, type DashboardFile } from './build';
export { dashboardConfigFile, writeDashboard, type DashboardConfig } from './files';
