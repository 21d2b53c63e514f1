export { isDistrictLeader, landsOnOverview } from '../../shared/landing.js';
