/** Credentials, users and inner databases managed inside the engine itself. */
export interface AccountsRole {
  /** The admin password can be changed inside the engine. */
  readonly rotates: boolean;
  /** Users other than the admin can be created, listed and deleted. */
  readonly users: boolean;
  /** Databases inside the instance can be created, listed and dropped. */
  readonly databases: boolean;
}
