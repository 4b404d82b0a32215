/** Entry point of `npm run invites -- <command>`; the commands live in cli/invites/program.ts. */
import { invitesProgram } from './invites/program';
import { main } from './lib/run';

void main(invitesProgram);
