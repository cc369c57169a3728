// The groups module's error catalogue.
import { AppError } from '../errors.ts';

export const groupErrors = {
  nameTaken: () => new AppError(409, 'group_name_taken', 'A group with this name already exists.'),
  /** A model a group may not list: outside the catalogue of the providers WeBox knows. */
  unknownModel: (id: string) =>
    new AppError(400, 'invalid_request', `${id} is not a model in the catalogue.`, { details: { param: 'models' } }),
};
