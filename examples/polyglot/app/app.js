// demo:app, written in JavaScript; every computation is delegated to the C calc component.
import { add, divide, greet, sum } from 'demo:calc/calc@0.1.0';

export const app = {
  report(name, a, b) {
    return `${greet(name)} ${a} + ${b} = ${add(a, b)}`;
  },
  mean(values) {
    if (values.length === 0) throw 'cannot take the mean of an empty list';
    return divide(sum(values), values.length);
  },
};
