/** Entry point of `npm run users -- <command>`; the commands live in cli/users/program.ts. */
import { main } from './lib/run';
import { usersProgram } from './users/program';

void main(usersProgram);
