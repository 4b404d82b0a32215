/** Entry point of `npm run doctor`; the checks live in cli/doctor/. */
import { doctorProgram } from './doctor/program';
import { main } from './lib/run';

void main(doctorProgram);
